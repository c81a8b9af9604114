import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { sweepStale } from "../../../src/harness/netns/cleanup.ts";
import type { Lease } from "../../../src/harness/netns/dhcp-client.ts";
import {
  type NamespaceWorld,
  namespaceModeUnavailable,
  startNamespaceWorld,
  withNamespaceWorld,
} from "../../../src/harness/netns/world.ts";

const unavailable = await namespaceModeUnavailable();
const skip = unavailable === undefined ? false : `namespace mode unavailable: ${unavailable}`;

/** One HTTP(S) request from inside the client namespace, with Node's own http module. */
const FETCH = `
const [url, ca, method, body] = process.argv.slice(1);
const mod = require(url.startsWith("https:") ? "node:https" : "node:http");
const opts = { method: method || "GET", ca: ca ? require("node:fs").readFileSync(ca) : undefined,
  headers: body ? { "content-type": "application/x-www-form-urlencoded" } : {} };
const req = mod.request(url, opts, (res) => {
  let text = ""; res.setEncoding("utf8"); res.on("data", (c) => (text += c));
  res.on("end", () => console.log(JSON.stringify({ status: res.statusCode, location: res.headers.location ?? null, body: text })));
});
req.on("error", (e) => console.log(JSON.stringify({ error: e.message })));
req.end(body || undefined);
`;

async function fetchFromClient(
  world: NamespaceWorld,
  url: string,
  opts: { ca?: string; post?: string } = {},
) {
  const args = ["-e", FETCH, url, opts.ca ?? "", opts.post === undefined ? "GET" : "POST", opts.post ?? ""];
  const parsed: unknown = JSON.parse(await world.inClient(process.execPath, args));
  assert.ok(typeof parsed === "object" && parsed !== null);
  return new Map(Object.entries(parsed));
}

function namespaces(): string {
  return execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
}

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("namespace mode: DHCP with option 114, DNS, walled garden", { skip }, () => {
  let world: NamespaceWorld;
  let lease: Lease;

  before(async () => {
    world = await startNamespaceWorld({ scenario: "capport" });
    lease = await world.dhcp();
  });
  after(() => world?.close());

  test("dhclient in the client namespace gets an address, the router, DNS and option 114 with the API URI", () => {
    assert.match(lease.address, /^10\.231\.0\.(1[0-4]\d|150)$/);
    assert.equal(lease.prefix, 24);
    assert.equal(lease.router, "10.231.0.1");
    assert.deepEqual(lease.dns, ["10.231.0.1"]);
    assert.equal(lease.captivePortal, "https://10.231.0.1/capport/api");
    assert.equal(lease.captivePortal, world.apiUrl);
    assert.match(world.dnsmasq.log(), /DHCPACK\(hhap\d+\) 10\.231\.0\.\d+/);
  });

  test("a captured client's probe, by name or by address, lands on the portal", async () => {
    assert.deepEqual(await world.gardenMembers(), []);
    const byName = await fetchFromClient(world, "http://connectivitycheck.gstatic.com/generate_204");
    assert.equal(byName.get("status"), 302);
    assert.equal(byName.get("location"), "http://10.231.0.1/capport/portal");
    const byAddress = await fetchFromClient(world, `${world.internetUrl}/generate_204`);
    assert.equal(byAddress.get("status"), 302);
    assert.ok(world.portal.log.some((e) => e.host === "198.18.0.1" && e.client === lease.address));
  });

  test("the RFC 8908 API answers over HTTPS with the world's certificate", async () => {
    const api = await fetchFromClient(world, world.apiUrl ?? "", { ca: world.caFile });
    assert.equal(api.get("status"), 200);
    assert.equal(JSON.parse(String(api.get("body"))).captive, true);
  });

  test("logging in adds the client to the nftables set and the internet answers 204; logoff removes it", async () => {
    const accepted = await fetchFromClient(world, "http://10.231.0.1/capport/portal/accept", {
      post: "terms=accepted",
    });
    assert.equal(accepted.get("status"), 303);
    assert.deepEqual(await world.gardenMembers(), [lease.address]);
    assert.equal((await fetchFromClient(world, `${world.internetUrl}/generate_204`)).get("status"), 204);
    const api = await fetchFromClient(world, world.apiUrl ?? "", { ca: world.caFile });
    assert.equal(JSON.parse(String(api.get("body"))).captive, false);
    await fetchFromClient(world, "http://10.231.0.1/logoff");
    assert.deepEqual(await world.gardenMembers(), []);
    assert.equal((await fetchFromClient(world, `${world.internetUrl}/generate_204`)).get("status"), 302);
  });

  test("close removes the namespaces, the resolver file and every process", async () => {
    const pids = [world.portal.pid, world.dnsmasq.process.pid];
    await world.close();
    assert.doesNotMatch(namespaces(), new RegExp(`${world.names.ap}|${world.names.client}`));
    assert.equal(existsSync(`/etc/netns/${world.names.client}`), false);
    assert.deepEqual(pids.map(alive), [false, false]);
  });
});

describe("namespace mode: cleanup", { skip }, () => {
  test("a body that throws still leaves nothing behind", async () => {
    let names = "";
    await assert.rejects(
      withNamespaceWorld({ scenario: "click-through" }, async (world) => {
        names = `${world.names.ap}|${world.names.client}`;
        assert.match(namespaces(), new RegExp(names));
        throw new Error("test failure inside the world");
      }),
      /test failure inside the world/,
    );
    assert.doesNotMatch(namespaces(), new RegExp(names));
  });

  test("a portal process that dies mid-test fails garden waits and drops commands instead of crashing the test process", {
    timeout: 60_000,
  }, async () => {
    await withNamespaceWorld({ scenario: "click-through" }, async (world) => {
      const pid = world.portal.pid;
      assert.ok(pid !== undefined);
      const waiting = world.portal.gardenState("10.231.0.99", true);
      process.kill(pid, "SIGKILL");
      await assert.rejects(waiting, /HH_HARNESS_NETNS_FAILED|exited/);
      world.portal.send({ cmd: "reset" });
      await assert.rejects(world.portal.gardenState("10.231.0.98", true), /exited/);
      await new Promise((resolve) => setImmediate(resolve));
    });
  });

  test("namespaces left by a dead process are swept", () => {
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    const name = `hh-ap-${dead}-1`;
    execFileSync("ip", ["netns", "add", name]);
    assert.ok(sweepStale().includes(name));
    assert.doesNotMatch(namespaces(), new RegExp(name));
  });

  test("a temp directory left by a dead process is swept with its namespaces", () => {
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    const dir = mkdtempSync(join(tmpdir(), `hh-netns-${dead}-`));
    writeFileSync(join(dir, "key.pem"), "stale");
    sweepStale();
    assert.equal(existsSync(dir), false);
  });

  test("a process that exits without close leaves no namespace and no temp directory", () => {
    const script = `
      import { startNamespaceWorld } from ${JSON.stringify(new URL("../../../src/harness/netns/world.ts", import.meta.url).href)};
      const w = await startNamespaceWorld({ scenario: "click-through" });
      console.log(JSON.stringify({ names: [w.names.ap, w.names.client], dir: w.caFile }));
      process.exit(3);
    `;
    const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
    });
    assert.equal(run.status, 3, run.stderr);
    const out: unknown = JSON.parse(run.stdout);
    assert.ok(typeof out === "object" && out !== null && "names" in out && "dir" in out);
    assert.ok(Array.isArray(out.names) && typeof out.dir === "string");
    assert.doesNotMatch(namespaces(), new RegExp(out.names.join("|")));
    assert.equal(existsSync(dirname(out.dir)), false);
  });
});
