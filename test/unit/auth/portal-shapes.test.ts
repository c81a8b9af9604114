import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { detectPortal } from "../../../src/auth/detect.ts";
import { httpsProbe } from "../../../src/auth/https-probe.ts";
import { firstLink, pageTarget } from "../../../src/auth/intercept-page.ts";
import { captivePortalLink, MAX_LINKS, parseLinkHeader } from "../../../src/auth/link-header.ts";
import { MAX_CHAIN_STEPS } from "../../../src/auth/login-chain.ts";
import { probe } from "../../../src/auth/probe.ts";
import { serve, TEST_CA, type TestServer } from "./servers.ts";

const BASE = "http://gw.test/intercept";

describe("Link headers", () => {
  test("finds rel=captive-portal among several links, with params, quoting and relative URIs", () => {
    const header = `<https://a.test/style.css>; rel=stylesheet, </api/capport>; title="x, y; z"; rel="preload captive-portal", <https://c.test/>; rel=captive-portal`;
    assert.equal(captivePortalLink(header, BASE), "http://gw.test/api/capport");
    assert.deepEqual(
      parseLinkHeader(header, BASE).map((l) => l.rel),
      [["stylesheet"], ["preload", "captive-portal"], ["captive-portal"]],
    );
  });

  test("rel matches case-insensitively, only its first occurrence counts, escapes in quotes are read", () => {
    assert.equal(captivePortalLink(`<https://x.test/a>; REL="Captive-Portal"`, BASE), "https://x.test/a");
    assert.equal(captivePortalLink(`<https://x.test/a>; rel=next; rel=captive-portal`, BASE), undefined);
    assert.deepEqual(
      parseLinkHeader(`<https://x.test/b>; title="a \\"q\\" b"; rel=captive-portal`, BASE)[0]?.rel,
      ["captive-portal"],
    );
  });

  test("garbage is skipped and what follows is still read", () => {
    const cases = [
      `garbage; rel=captive-portal, <https://ok.test/1>; rel=captive-portal`,
      `<http://[bad>; rel=captive-portal, <https://ok.test/1>; rel="captive-portal"`,
      `<https://ok.test/1>; ;;; =x; rel=captive-portal`,
      `<https://ok.test/1>; @@@@, rel=captive-portal; <https://nope.test/>`,
    ];
    assert.equal(captivePortalLink(cases[0] ?? "", BASE), "https://ok.test/1");
    assert.equal(captivePortalLink(cases[1] ?? "", BASE), "https://ok.test/1");
    assert.equal(captivePortalLink(cases[2] ?? "", BASE), "https://ok.test/1");
    assert.deepEqual(parseLinkHeader(cases[3] ?? "", BASE)[0]?.uri, "https://ok.test/1");
    for (const junk of ["", "<", ">", "<<<>>>", `<https://x.test/>; rel="unterminated`, "\u0000\u00ff"]) {
      assert.doesNotThrow(() => parseLinkHeader(junk, BASE), junk);
    }
    assert.equal(captivePortalLink(`<https://x.test/>; rel="captive-portal`, BASE), "https://x.test/");
  });

  test("a huge header is bounded in links read", () => {
    const header = Array.from({ length: 5000 }, (_, i) => `<https://l${i}.test/>; rel=x`).join(", ");
    assert.equal(parseLinkHeader(header, BASE).length <= MAX_LINKS, true);
    assert.equal(captivePortalLink(`${header}, <https://late.test/>; rel=captive-portal`, BASE), undefined);
  });
});

describe("intercept pages", () => {
  test("a refresh of the page itself is a wait, not a move", () => {
    assert.equal(pageTarget(`<meta http-equiv="refresh" content="30">`, BASE), undefined);
    assert.deepEqual(
      pageTarget(`<meta http-equiv="refresh" content="30"><script>location.href="/x"</script>`, BASE),
      {
        url: "http://gw.test/x",
        shape: "script-redirect",
      },
    );
  });

  test("a page with a form is the login page itself unless it refreshes away at once", () => {
    const form = `<form method="post" action="/login"><input name="user"><input type="password" name="pw"></form>`;
    const handler = `<script>function cancel() { location.href = "/bye"; }</script>`;
    assert.equal(pageTarget(`${form}${handler}`, BASE), undefined);
    assert.equal(
      pageTarget(`<meta http-equiv="refresh" content="600; url=/timeout">${form}`, BASE),
      undefined,
    );
    assert.deepEqual(pageTarget(`<meta http-equiv="refresh" content="0; url=/real">${form}`, BASE), {
      url: "http://gw.test/real",
      shape: "meta-refresh",
    });
    assert.deepEqual(pageTarget(handler, BASE), { url: "http://gw.test/bye", shape: "script-redirect" });
  });

  test("firstLink takes the first http(s) link of a page with hundreds", () => {
    const links = Array.from({ length: 500 }, (_, i) => `<a href="/l${i}">l${i}</a>`).join("");
    const forms = Array.from({ length: 300 }, () => `<form><input name="a"></form>`).join("");
    assert.equal(firstLink(`<a href="javascript:void(0)">x</a>${forms}${links}`, BASE), "http://gw.test/l0");
    assert.equal(firstLink("<p>no links</p>", BASE), undefined);
  });
});

describe("probe and detection of portal shapes", () => {
  let server: TestServer;
  let tlsServer: TestServer;
  before(async () => {
    server = await serve((req, res) => {
      const html = { "content-type": "text/html" };
      const respond: Record<string, () => void> = {
        "/511-meta": () =>
          res.writeHead(511, html).end(`<meta http-equiv="refresh" content="0;url=/login">Log in`),
        "/511-link": () => res.writeHead(511, html).end(`<p>Please <a href="/signin">sign in</a>.</p>`),
        "/511-empty": () =>
          res.writeHead(511, { link: `<https://api.test/capport>; rel="captive-portal"` }).end(),
        "/511-garbage-link": () => res.writeHead(511, { link: `<<<;;;>>>, rel=captive-portal` }).end(),
        "/meta": () =>
          res
            .writeHead(200, { ...html, "set-cookie": "gw=1; Path=/" })
            .end(`<meta http-equiv="refresh" content="0; url=/hop1">please wait`),
        "/hop1": () => res.writeHead(302, { location: "/hop2", "set-cookie": "hop=1; Path=/" }).end(),
        "/hop2": () => res.writeHead(200, html).end(`<script>location.replace("/login")</script>`),
        "/login": () => res.writeHead(200, html).end(`<form method=post><input name=a></form>`),
        "/loop-a": () => res.writeHead(200, html).end(`<meta http-equiv="refresh" content="0; url=/loop-b">`),
        "/loop-b": () => res.writeHead(200, html).end(`<meta http-equiv="refresh" content="0; url=/loop-a">`),
        "/204": () => res.writeHead(204).end(),
      };
      const chain = /^\/chain\/(\d+)$/.exec(req.url);
      if (chain) {
        res
          .writeHead(200, html)
          .end(`<meta http-equiv="refresh" content="0; url=/chain/${Number(chain[1]) + 1}">`);
        return;
      }
      (respond[req.url] ?? (() => res.writeHead(418).end()))();
    });
    tlsServer = await serve((_req, res) => res.writeHead(204).end(), { tls: true });
  });
  after(async () => {
    await server.close();
    await tlsServer.close();
  });

  test("511 is a portal; the login page comes from the body's meta refresh or its first link", async () => {
    const meta = await probe(`${server.url}/511-meta`);
    assert.deepEqual(
      [meta.verdict, meta.shape, meta.status, meta.loginUrl],
      ["portal", "status-511", 511, `${server.url}/login`],
    );
    assert.equal((await probe(`${server.url}/511-link`)).loginUrl, `${server.url}/signin`);
  });

  test("511 with no body but a Link header names the API; garbage in the header names nothing", async () => {
    const empty = await probe(`${server.url}/511-empty`);
    assert.deepEqual(
      [empty.verdict, empty.loginUrl, empty.apiUri, empty.apiSource],
      ["portal", undefined, "https://api.test/capport", "link-header"],
    );
    const garbage = await probe(`${server.url}/511-garbage-link`);
    assert.deepEqual([garbage.verdict, garbage.apiUri], ["portal", undefined]);
  });

  test("detection walks meta refresh, 302 and script moves to the login page, keeping every cookie", async () => {
    const info = await detectPortal(`${server.url}/meta`);
    assert.equal(info.shape, "meta-refresh");
    assert.equal(info.loginUrl, `${server.url}/login`);
    assert.deepEqual(info.loginChain, [`${server.url}/hop1`, `${server.url}/hop2`, `${server.url}/login`]);
    assert.deepEqual(info.cookies?.map((c) => `${c.name}=${c.value}`).sort(), ["gw=1", "hop=1"]);
    const seen = server.requests.filter((r) => r.url === "/hop2").at(-1);
    assert.equal(seen?.headers.cookie, "gw=1; hop=1");
  });

  test("a refresh loop and an endless chain stop with the step named", async () => {
    const loop = await detectPortal(`${server.url}/loop-a`);
    assert.equal(loop.verdict, "portal");
    assert.match(
      loop.loginChainError ?? "",
      /^HH_PORTAL_CHAIN_STOPPED: .* stopped at step 3 \(\S+\/loop-b\): a loop/,
    );
    const endless = await detectPortal(`${server.url}/chain/0`);
    assert.match(
      endless.loginChainError ?? "",
      new RegExp(`stopped at step ${MAX_CHAIN_STEPS + 1} .*: more than ${MAX_CHAIN_STEPS} steps$`),
    );
    assert.equal(endless.loginChain?.length, MAX_CHAIN_STEPS);
  });

  test("the HTTPS probe calls a certificate that fails a portal sign, with the reason; the HTTP probe decides", async () => {
    const untrusted = await httpsProbe(`${tlsServer.url}/`);
    assert.equal(untrusted.verdict, "portal");
    assert.match(untrusted.reason ?? "", /^certificate did not verify: /);
    assert.equal((await httpsProbe(`${tlsServer.url}/`, { ca: TEST_CA })).verdict, "online");
    const info = await detectPortal(`${server.url}/204`, { httpsProbeUrl: `${tlsServer.url}/` });
    assert.equal(info.verdict, "online");
    assert.equal(info.httpsProbe?.verdict, "portal");
  });
});
