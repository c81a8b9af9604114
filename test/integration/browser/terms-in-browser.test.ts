import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { after, before, describe, test } from "node:test";
import { walkTermsInBrowser } from "../../../src/auth/terms/browser-walk.ts";
import { type BrowserSession, createBrowserSession } from "../../../src/browser/session.ts";
import type { PluginLogger, PortalInfo } from "../../../src/helper-api/context.ts";
import { noChromium } from "./helpers.ts";

const quiet: PluginLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** A page whose only content is built by script: `controls` are [tag, label] pairs appended to a form. */
function scriptPage(controls: readonly [string, string][], field?: string): string {
  const build = controls
    .map(
      ([tag, label]) => `{ var b = document.createElement(${JSON.stringify(tag)}); b.type = "button";
      b.textContent = ${JSON.stringify(label)};
      b.addEventListener("click", function () { fetch("/pressed/" + encodeURIComponent(${JSON.stringify(label)}), { method: "POST" }); });
      f.appendChild(b); }`,
    )
    .join("\n");
  const input =
    field === undefined
      ? ""
      : `var i = document.createElement("input"); i.type = ${JSON.stringify(field)}; i.name = "contact"; f.appendChild(i);`;
  return `<!doctype html><title>Guest</title><div id=root></div><script>
  var f = document.createElement("form"); document.getElementById("root").appendChild(f);
  ${input}
  ${build}
</script>`;
}

const PAGES: Record<string, string> = {
  "/both": scriptPage([
    ["button", "Decline"],
    ["button", "I agree"],
  ]),
  "/decline-only": scriptPage([
    ["button", "Cancel"],
    ["button", "No thanks"],
  ]),
  "/email": scriptPage([["button", "Connect"]], "email"),
  "/inert": scriptPage([["button", "Continue"]]),
};

describe("the terms walk in the browser reads the rendered page with the plain walker's rules", {
  skip: noChromium(),
}, () => {
  let server: Server;
  let base = "";
  let session: BrowserSession;
  const pressed: string[] = [];
  const controller = new AbortController();
  before(async () => {
    server = createServer((req, res) => {
      if (req.method === "POST" && req.url?.startsWith("/pressed/")) {
        pressed.push(decodeURIComponent(req.url.slice("/pressed/".length)));
        res.writeHead(204).end();
        return;
      }
      const body = PAGES[req.url ?? ""];
      if (body === undefined) res.writeHead(404).end();
      else res.writeHead(200, { "content-type": "text/html" }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const a = server.address();
    base = `http://127.0.0.1:${typeof a === "object" && a !== null ? a.port : 0}`;
    session = createBrowserSession({
      pluginId: "t",
      credentials: undefined,
      portalHosts: [],
      signal: controller.signal,
      log: quiet,
    });
  });
  after(async () => {
    await session.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  /** Online once the named control was pressed: the network, not the page, decides. */
  const walk = (path: string, opensOn?: string) => {
    pressed.length = 0;
    const checkOnline = async (): Promise<PortalInfo> => ({
      verdict: opensOn !== undefined && pressed.includes(opensOn) ? "online" : "portal",
      probeUrl: `${base}/generate_204`,
    });
    return walkTermsInBrowser(
      { browser: () => session.open(), checkOnline },
      { startUrl: `${base}${path}`, maxSteps: 3 },
    );
  };

  test("presses the agree control, never the decline one", async () => {
    const outcome = await walk("/both", "I agree");
    assert.equal(outcome.outcome, "online");
    assert.deepEqual(pressed, ["I agree"]);
  });

  test("a page that offers only to decline or cancel is left alone", async () => {
    const outcome = await walk("/decline-only");
    assert.equal(outcome.outcome === "stopped" && outcome.error.code, "HH_TERMS_DECLINE_ONLY");
    assert.deepEqual(pressed, []);
  });

  test("a form asking for an e-mail address goes to a person (uiRequired), unpressed", async () => {
    const outcome = await walk("/email", "Connect");
    assert.equal(outcome.outcome, "uiRequired");
    assert.match(outcome.outcome === "uiRequired" ? outcome.error.message : "", /email/);
    assert.deepEqual(pressed, []);
  });

  test("a press that does not open the network is no success: the same control twice is a loop", async () => {
    const outcome = await walk("/inert");
    assert.equal(outcome.outcome === "stopped" && outcome.error.code, "HH_TERMS_LOOP");
    assert.deepEqual(pressed, ["Continue"]);
  });

  test("pages get no service or shared workers, which would run outside the request guard", async () => {
    const page = await session.open();
    await page.open(`${base}/both`);
    assert.equal(
      await page.page.evaluate("typeof navigator.serviceWorker + ' ' + typeof SharedWorker"),
      "undefined undefined",
    );
  });
});
