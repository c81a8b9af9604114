import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { verifyOnline } from "../../../src/auth/verify.ts";
import { closedPort, serve } from "./servers.ts";

describe("verifyOnline", () => {
  test("is online at once when the first probe answers 204", async () => {
    const server = await serve((_req, res) => res.writeHead(204).end());
    try {
      const result = await verifyOnline(`${server.url}/generate_204`, { attempts: 3, delayMs: 0 });
      assert.deepEqual({ online: result.online, attempts: result.attempts }, { online: true, attempts: 1 });
      assert.equal(server.requests.length, 1);
    } finally {
      await server.close();
    }
  });

  test("keeps probing while the portal still intercepts, until it opens", async () => {
    let answered = 0;
    const server = await serve((_req, res) => {
      answered++;
      if (answered < 3) res.writeHead(302, { location: "/login" }).end();
      else res.writeHead(204).end();
    });
    try {
      const result = await verifyOnline(`${server.url}/generate_204`, { attempts: 5, delayMs: 0 });
      assert.deepEqual({ online: result.online, attempts: result.attempts }, { online: true, attempts: 3 });
    } finally {
      await server.close();
    }
  });

  test("gives up after the given attempts and returns the last probe's verdict", async () => {
    const server = await serve((_req, res) => res.writeHead(302, { location: "/login" }).end());
    try {
      const result = await verifyOnline(`${server.url}/generate_204`, { attempts: 2, delayMs: 0 });
      assert.equal(result.online, false);
      assert.equal(result.attempts, 2);
      assert.equal(result.portal.verdict, "portal");
      assert.equal(server.requests.length, 2);
    } finally {
      await server.close();
    }
  });

  test("an unreachable probe URL is not online and does not throw", async () => {
    const port = await closedPort();
    const result = await verifyOnline(`http://127.0.0.1:${port}/generate_204`, { attempts: 2, delayMs: 0 });
    assert.equal(result.online, false);
    assert.equal(result.portal.verdict, "unreachable");
  });

  test("waits a doubling delay between attempts, capped by maxDelayMs", async () => {
    const server = await serve((_req, res) => res.writeHead(302, { location: "/login" }).end());
    try {
      const delays: number[] = [];
      const sleep = async (ms: number): Promise<void> => {
        delays.push(ms);
      };
      const result = await verifyOnline(`${server.url}/generate_204`, {
        attempts: 5,
        delayMs: 100,
        maxDelayMs: 300,
        sleep,
      });
      assert.equal(result.attempts, 5);
      assert.deepEqual(delays, [100, 200, 300, 300]);
    } finally {
      await server.close();
    }
  });

  test("an aborted signal stops further attempts", async () => {
    const server = await serve((_req, res) => res.writeHead(302, { location: "/login" }).end());
    try {
      const controller = new AbortController();
      controller.abort();
      const result = await verifyOnline(`${server.url}/generate_204`, {
        attempts: 5,
        delayMs: 0,
        signal: controller.signal,
      });
      assert.equal(result.online, false);
      assert.equal(result.attempts, 1);
    } finally {
      await server.close();
    }
  });
});
