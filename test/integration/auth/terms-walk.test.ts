import assert from "node:assert/strict";
import http from "node:http";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { withConnectionPool } from "../../../src/auth/agents.ts";
import { detectPortal } from "../../../src/auth/detect.ts";
import { createFormHelper } from "../../../src/auth/forms.ts";
import { createHttpClient } from "../../../src/auth/http-client.ts";
import { walkTermsPages } from "../../../src/auth/terms/walk.ts";
import { chromiumAvailable } from "../../../src/browser/launch.ts";
import { userConfigSchema } from "../../../src/config/schema.ts";
import { type PluginTestReport, runPluginTest, withPortal } from "../../../src/harness/index.ts";
import { loadRegistry } from "../../../src/helper-api/loader.ts";

const plugin = fileURLToPath(new URL("../../../plugins/click-through/", import.meta.url));
const run = (scenario: string, force = false) =>
  runPluginTest({ pluginDir: plugin, scenario, pluginConfig: { anyOpenNetwork: true }, force });
const step = (r: PluginTestReport, name: string) => r.steps.find((s) => s.step === name);
const details = (r: PluginTestReport) => r.steps.map((s) => `${s.step}: ${s.status} ${s.detail}`).join("\n");

const SHAPES: Record<string, RegExp> = {
  "click-through": /^POST .*\/terms\/accept/,
  "click-through:link": /^GET .*\/splash\/grant\?continue_url=/,
  "click-through:two-step": /^POST .*\/cgi-bin\/login/,
  "click-through:buttons": /^POST .*\/fgtauth/,
  "click-through:relative": /^POST .*\/index\.php\?zone=guest/,
  "click-through:meta-refresh": /^POST .*\/login$/,
  "click-through:script-redirect": /^POST .*\/login$/,
  "click-through:onclick": /^POST .*\/login\.html/,
  "click-through:onclick-inline": /^POST .*\/login\.html/,
};

describe("click-through walks real terms-page shapes under `hotspot plugin test`", () => {
  for (const [scenario, lastAction] of Object.entries(SHAPES)) {
    test(`${scenario}: online, verified by a fresh probe`, async () => {
      const r = await run(scenario);
      assert.equal(r.ok, true, details(r));
      assert.equal(step(r, "authenticate")?.status, "pass", details(r));
      assert.match(step(r, "authenticate")?.detail ?? "", /^success; probe after: online/);
      const acts = r.pluginHttp.map((e) => `${e.method} ${e.url}`);
      assert.ok(
        acts.some((a) => lastAction.test(a)),
        acts.join("\n"),
      );
      assert.equal(r.pluginHttp.filter((e) => e.status !== undefined && e.status >= 400).length, 0);
    });
  }

  test("the button script's field is what lets the controller open (buttonClicked=4)", async () => {
    const r = await run("click-through:onclick");
    const post = r.log.find((e) => e.method === "POST" && e.path === "/login.html");
    assert.equal(post?.status, 200);
    assert.equal(r.ok, true, details(r));
  });

  test("the two-step flow's first post alone does not open the garden; the walker goes on to the second", async () => {
    const r = await run("click-through:two-step");
    const accept = r.log.find((e) => e.method === "POST" && e.path === "/guest/accept");
    const handoff = r.log.find((e) => e.method === "POST" && e.path === "/cgi-bin/login");
    assert.equal(accept?.authorized, false);
    assert.equal(handoff?.status, 302);
  });
});

describe("click-through on bad input ends with a coded reason naming the step, never success", () => {
  const cases: [string, string, RegExp][] = [
    [
      "click-through:loop",
      "failure",
      /HH_TERMS_LOOP: terms walk stopped at step 3 \(http:\/\/127\.0\.0\.1:\d+\/loop\/a\)/,
    ],
    [
      "click-through:decline-only",
      "failure",
      /HH_TERMS_DECLINE_ONLY: terms walk stopped at step 1 .*decline or cancel/,
    ],
    [
      "click-through:many",
      "unsupportedNetwork",
      /HH_TERMS_NO_ACTION: terms walk stopped at step 1 .*300 form\(s\) and 1001 link\(s\)/,
    ],
    // Plain HTTP sees no control; with Chromium the browser fallback renders the page and
    // finds a password field (test/integration/browser/click-through-fallback.test.ts).
    chromiumAvailable()
      ? ["js-only", "uiRequired", /HH_TERMS_PERSONAL_DATA: .*asks for password/]
      : ["js-only", "unsupportedNetwork", /HH_TERMS_NO_ACTION: terms walk stopped at step 1/],
    [
      "form-login",
      "uiRequired",
      /HH_TERMS_PERSONAL_DATA: .*asks for password; a person must log in there \(http:\/\/127\.0\.0\.1:\d+\/login\)$/,
    ],
  ];
  for (const [scenario, result, reason] of cases) {
    test(`${scenario}: ${result}`, async () => {
      const r = await run(scenario, true);
      const auth = step(r, "authenticate");
      assert.equal(auth?.status, "fail", details(r));
      assert.ok(auth?.detail.startsWith(`${result}: `), auth?.detail);
      assert.match(auth?.detail ?? "", reason);
      assert.equal(
        r.log.some((e) => e.authorized),
        false,
        "the portal never let the client through",
      );
    });
  }
});

describe("walkTermsPages", () => {
  test("stops at the step cap with the step it stopped at, and does not claim success", () =>
    withPortal({ scenario: "click-through:two-step" }, async (portal) => {
      const outcome = await withConnectionPool(new AbortController().signal, async (pool) => {
        const http = createHttpClient({ pool });
        const probe = await detectPortal(portal.probeUrl);
        return walkTermsPages(
          { http, forms: createFormHelper(http), checkOnline: () => detectPortal(portal.probeUrl) },
          { startUrl: probe.loginUrl ?? "", maxSteps: 1 },
        );
      });
      assert.equal(outcome.outcome, "stopped");
      assert.equal(outcome.outcome === "stopped" && outcome.error.code, "HH_TERMS_STEP_LIMIT");
      assert.match(
        outcome.outcome === "stopped" ? outcome.error.message : "",
        /at step 2 \(.*\/guest\/accept\): still not online after 1 steps/,
      );
      assert.equal(outcome.steps.length, 1);
      assert.equal(portal.authorized(), false);
    }));

  test("when the portal lets the client through at the first step, the walk ends there on a fresh probe", () =>
    withPortal({ scenario: "click-through" }, async (portal) => {
      let checks = 0;
      const outcome = await withConnectionPool(new AbortController().signal, async (pool) => {
        const http = createHttpClient({ pool });
        return walkTermsPages(
          {
            http,
            forms: createFormHelper(http),
            checkOnline: () => {
              checks++;
              return detectPortal(portal.probeUrl);
            },
          },
          { startUrl: `${portal.url}/terms` },
        );
      });
      assert.equal(outcome.outcome, "online");
      assert.equal(checks, 1);
      assert.equal(outcome.steps.length, 1);
      assert.equal(portal.authorized(), true);
    }));
});

describe("walkTermsPages redirects", () => {
  test("a 307 repeats the accept POST with its fields at the new place, and the redirect back to the probe ends the step", async () => {
    let open = false;
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        seen.push(`${req.method} ${req.url} ${body}`);
        if (req.url === "/generate_204") {
          if (open) res.writeHead(204).end();
          else res.writeHead(302, { location: "/terms" }).end();
        } else if (req.url === "/terms") {
          res.writeHead(200, { "content-type": "text/html" });
          res.end(
            `<form method="post" action="/accept"><input type="checkbox" name="tos" value="yes"><button>Accept</button></form>`,
          );
        } else if (req.url === "/accept") res.writeHead(307, { location: "/accept-v2" }).end();
        else if (req.url === "/accept-v2" && req.method === "POST" && body === "tos=yes") {
          open = true;
          res.writeHead(302, { location: "/generate_204" }).end();
        } else res.writeHead(400).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    try {
      const probeUrl = `${base}/generate_204`;
      const outcome = await withConnectionPool(new AbortController().signal, async (pool) => {
        const client = createHttpClient({ pool });
        return walkTermsPages(
          { http: client, forms: createFormHelper(client), checkOnline: () => detectPortal(probeUrl) },
          { startUrl: `${base}/terms`, releaseUrls: [probeUrl] },
        );
      });
      assert.equal(outcome.outcome, "online");
      assert.deepEqual(seen, [
        "GET /terms ",
        "POST /accept tos=yes",
        "POST /accept-v2 tos=yes",
        "GET /generate_204 ",
      ]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("walkTermsPages believes the network, not the page", () => {
  test("a page that says 'you are connected' while the probe is still intercepted is no success: it stops at that step", async () => {
    const server = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        if (req.url === "/generate_204") res.writeHead(302, { location: "/terms" }).end();
        else if (req.url === "/terms") {
          res.writeHead(200, { "content-type": "text/html" });
          res.end(`<form method="post" action="/accept"><button>I agree</button></form>`);
        } else {
          res.writeHead(200, { "content-type": "text/html" });
          res.end("<h1>You are connected!</h1><p>Enjoy the free Wi-Fi.</p>");
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    try {
      const outcome = await withConnectionPool(new AbortController().signal, async (pool) => {
        const client = createHttpClient({ pool });
        return walkTermsPages(
          {
            http: client,
            forms: createFormHelper(client),
            checkOnline: () => detectPortal(`${base}/generate_204`),
          },
          { startUrl: `${base}/terms` },
        );
      });
      assert.equal(outcome.outcome, "stopped");
      assert.equal(outcome.outcome === "stopped" && outcome.error.code, "HH_TERMS_NO_ACTION");
      assert.match(
        outcome.outcome === "stopped" ? outcome.error.message : "",
        /^terms walk stopped at step 2 \(http:\/\/127\.0\.0\.1:\d+\/accept\): no accept, continue or connect control .*, and the network is not online$/,
      );
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("walkTermsPages on moving pages", () => {
  test("meta refreshes that send the client round (A → B → A) end HH_TERMS_LOOP, bounded", async () => {
    const server = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        const next = req.url === "/a" ? "/b" : "/a";
        res.writeHead(200, { "content-type": "text/html" });
        res.end(
          `<html><head><meta http-equiv="refresh" content="0; url=${next}"></head><body>Please wait</body></html>`,
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    let checks = 0;
    try {
      const outcome = await withConnectionPool(new AbortController().signal, async (pool) => {
        const client = createHttpClient({ pool });
        return walkTermsPages(
          {
            http: client,
            forms: createFormHelper(client),
            checkOnline: async () => {
              checks++;
              return { verdict: "portal", probeUrl: `${base}/generate_204` };
            },
          },
          { startUrl: `${base}/a` },
        );
      });
      assert.equal(outcome.outcome === "stopped" && outcome.error.code, "HH_TERMS_LOOP");
      assert.match(
        outcome.outcome === "stopped" ? outcome.error.message : "",
        /at step 3 .*meta-refresh to http:\/\/127\.0\.0\.1:\d+\/b again/,
      );
      assert.equal(outcome.steps.length, 2);
      assert.equal(checks, 2);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("click-through's claims", () => {
  test("its open-network claim loads beside the other generic plugins' identical one (it has the lowest priority)", async () => {
    const anyOpen = { config: { anyOpenNetwork: true } };
    const config = userConfigSchema.parse({
      plugins: { "click-through": anyOpen, "uam-chap": anyOpen, wispr: anyOpen, capport: anyOpen },
    });
    const registry = await loadRegistry({ pluginDirs: [], config, strict: true });
    assert.equal(registry.get("click-through")?.definition.priority, -10);
    assert.deepEqual(registry.problems, []);
  });
});
