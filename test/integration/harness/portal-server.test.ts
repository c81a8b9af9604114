import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createHttpClient } from "../../../src/auth/http-client.ts";
import { isHotspotError } from "../../../src/errors.ts";
import {
  DEFAULT_PORTAL_CREDENTIALS,
  getScenario,
  html,
  SCENARIO_NAMES,
  type Scenario,
  SESSION_COOKIE,
  withPortal,
} from "../../../src/harness/index.ts";

const http = createHttpClient();

describe("portal simulator: the walled garden", () => {
  test("lists its built-in scenarios", () => {
    assert.deepEqual([...SCENARIO_NAMES].sort(), [
      "broken-proxy",
      "capport",
      "click-through",
      "expiring",
      "flaky",
      "form-login",
      "hostile",
      "js-only",
      "meta-refresh",
      "not-captive",
      "redirect-chain",
      "status-511",
      "strict-headers",
      "tls-intercept",
      "uam-chap",
      "wispr",
      "wispr2",
    ]);
  });

  test("an unknown scenario name is a coded user error naming the known ones", () => {
    assert.throws(
      () => getScenario("nope"),
      (e) =>
        isHotspotError(e, "HH_HARNESS_SCENARIO_UNKNOWN") &&
        e.userError &&
        /not-captive, broken-proxy, click-through, form-login, wispr/.test(e.message),
    );
    assert.equal(getScenario("form-login").loginPath, "/login");
  });

  test("intercepts the Android, Apple and NetworkManager probe paths until authorised", () =>
    withPortal({ scenario: "click-through" }, async (portal) => {
      for (const path of ["/generate_204", "/hotspot-detect.html", "/nm"]) {
        const res = await http.get(`${portal.url}${path}`);
        assert.equal(res.status, 302, path);
        assert.equal(res.headers.location, `${portal.url}/terms`);
      }
      portal.authorize();
      assert.equal((await http.get(portal.probeUrl)).status, 204);
      assert.match((await http.get(`${portal.url}/hotspot-detect.html`)).body, /<TITLE>Success<\/TITLE>/);
      const nm = await http.get(`${portal.url}/nm`);
      assert.equal(nm.headers["x-networkmanager-status"], "online");
      assert.equal(nm.body, "NetworkManager is online\n");
    }));

  test("the logoff endpoint closes the garden again", () =>
    withPortal({ scenario: "click-through" }, async (portal) => {
      portal.authorize();
      await http.get(`${portal.url}/logoff`);
      assert.equal(portal.authorized(), false);
      assert.equal((await http.get(portal.probeUrl)).status, 302);
    }));

  test("authorisation is per client address", () =>
    withPortal({ scenario: "click-through" }, async (portal) => {
      portal.authorize("10.0.0.7");
      assert.equal(portal.authorized("10.0.0.7"), true);
      assert.equal(portal.authorized(), false);
      assert.equal((await http.get(portal.probeUrl)).status, 302);
    }));

  test("unknown paths answer 404", () =>
    withPortal({ scenario: "click-through" }, async (portal) => {
      assert.equal((await http.get(`${portal.url}/nothing-here`)).status, 404);
    }));

  test("accepts a scenario object, so new scenarios need no change to the server", () => {
    const custom: Scenario = {
      name: "custom",
      description: "one page that opens the garden",
      modelledOn: "nothing in particular",
      loginPath: "/go",
      routes: (env) => [
        {
          method: "GET",
          path: "/go",
          handle: (req) => {
            env.authorize(req.client);
            return html(200, "<p>open</p>");
          },
        },
      ],
    };
    return withPortal({ scenario: custom }, async (portal) => {
      const res = await http.get(portal.probeUrl, { followRedirects: true });
      assert.equal(res.url, `${portal.url}/go`);
      assert.equal((await http.get(portal.probeUrl)).status, 204);
    });
  });
});

describe("portal simulator: request log and credential record", () => {
  test("logs method, path, URL with credential values masked, status, arrival time and a connection id", () =>
    withPortal({ scenario: "form-login" }, async (portal) => {
      await http.get(`${portal.url}/generate_204?user=secret&x=1`);
      await http.get(`${portal.url}/login?note=${encodeURIComponent(DEFAULT_PORTAL_CREDENTIALS.password)}`);
      assert.deepEqual(
        portal.log.map(({ method, path, url, status, client, tls, authorized }) => ({
          method,
          path,
          url,
          status,
          client,
          tls,
          authorized,
        })),
        [
          {
            method: "GET",
            path: "/generate_204",
            url: "/generate_204?user=***&x=1",
            status: 302,
            client: "127.0.0.1",
            tls: false,
            authorized: false,
          },
          {
            method: "GET",
            path: "/login",
            url: "/login?note=***",
            status: 302,
            client: "127.0.0.1",
            tls: false,
            authorized: false,
          },
        ],
      );
      const [first, second] = portal.log;
      assert.ok(first && second);
      assert.equal(first.host, new URL(portal.url).host);
      assert.ok(second.atMs >= first.atMs);
      assert.notEqual(first.connectionId, second.connectionId);
    }));

  test("records credentials sent in credential-named fields and the known values anywhere", () =>
    withPortal({ scenario: "click-through" }, async (portal) => {
      await http.post(`${portal.url}/terms/accept`, new URLSearchParams({ UserName: "eve", Password: "pw" }));
      await http.get(`${portal.url}/x`, {
        headers: { authorization: `Bearer ${DEFAULT_PORTAL_CREDENTIALS.password}` },
      });
      await http.get(`${portal.url}/terms`);
      assert.deepEqual(portal.receivedCredentials, [
        { username: "eve", password: "pw", host: new URL(portal.url).host, path: "/terms/accept" },
        { password: DEFAULT_PORTAL_CREDENTIALS.password, host: new URL(portal.url).host, path: "/x" },
      ]);
    }));

  test("reset empties the log and the credential record and closes the garden", () =>
    withPortal({ scenario: "click-through" }, async (portal) => {
      await http.get(`${portal.url}/x?password=p`);
      portal.authorize();
      portal.reset();
      assert.deepEqual(
        [portal.log.length, portal.receivedCredentials.length, portal.authorized()],
        [0, 0, false],
      );
    }));

  test("latencyMs delays every response", () =>
    withPortal({ scenario: "click-through", latencyMs: 40 }, async (portal) => {
      const started = performance.now();
      await http.get(portal.probeUrl);
      assert.ok(performance.now() - started >= 39);
      assert.ok((portal.log[0]?.durationMs ?? 0) >= 39);
    }));

  test("a request body over 1 MiB is refused with 413", () =>
    withPortal({ scenario: "click-through" }, async (portal) => {
      const res = await http.post(
        `${portal.url}/terms/accept`,
        `accept_terms=yes&pad=${"x".repeat(1024 * 1024)}`,
        {
          headers: { "content-type": "application/x-www-form-urlencoded" },
        },
      );
      assert.equal(res.status, 413);
      assert.equal(portal.authorized(), false);
    }));
});

describe("portal simulator: scenarios answer plain HTTP as specified", () => {
  test("form-login bounces a cookieless visit through a landing URL that sets the session cookie", () =>
    withPortal({ scenario: "form-login" }, async (portal) => {
      const first = await http.get(`${portal.url}/login`);
      assert.equal(first.status, 302);
      assert.equal(first.headers.location, `${portal.url}/portal/?next=%2Flogin`);
      const landing = await http.get(first.headers.location ?? "");
      assert.equal(landing.headers.location, `${portal.url}/login`);
      assert.match(
        landing.headers["set-cookie"] ?? "",
        new RegExp(`^${SESSION_COOKIE}=[0-9a-f]{32}; Path=/; HttpOnly$`),
      );
    }));

  test("form-login's login page, with the session cookie, embeds a CSRF token", () =>
    withPortal({ scenario: "form-login" }, async (portal) => {
      const res = await createHttpClient().get(`${portal.url}/login`, { followRedirects: true });
      assert.equal(res.url, `${portal.url}/login`);
      assert.match(res.body, /<!DOCTYPE html>/);
      assert.match(res.body, /<input type="hidden" name="csrf" value="[\w-]+">/);
      assert.match(res.body, /<label for="password">/);
    }));

  test("form-login answers 403 to a POST without cookie or token", () =>
    withPortal({ scenario: "form-login" }, async (portal) => {
      const res = await http.post(
        `${portal.url}/login`,
        new URLSearchParams({
          username: DEFAULT_PORTAL_CREDENTIALS.username,
          password: DEFAULT_PORTAL_CREDENTIALS.password,
        }),
      );
      assert.equal(res.status, 403);
      assert.equal(portal.authorized(), false);
    }));

  test("form-login's welcome page sends captive clients back to the login page", () =>
    withPortal({ scenario: "form-login" }, async (portal) => {
      const res = await http.get(`${portal.url}/welcome`);
      assert.equal(res.headers.location, `${portal.url}/login`);
    }));

  test("click-through authorises on a POST with accept_terms and redirects to the online page", () =>
    withPortal({ scenario: "click-through" }, async (portal) => {
      const res = await http.post(`${portal.url}/terms/accept`, new URLSearchParams({ accept_terms: "yes" }));
      assert.equal(res.status, 302);
      assert.equal(res.headers.location, `${portal.url}/online`);
      assert.equal(portal.authorized(), true);
    }));
});
