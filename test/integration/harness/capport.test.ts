import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createFormHelper } from "../../../src/auth/forms.ts";
import { createHttpClient } from "../../../src/auth/http-client.ts";
import { probe } from "../../../src/auth/probe.ts";
import { CAPTIVE_JSON, type Portal } from "../../../src/harness/index.ts";
import { clientFor, manualClock, withPortal } from "./helpers.ts";

async function api(portal: Portal, http = clientFor(portal)) {
  const res = await http.get(portal.apiUrl ?? "", { headers: { accept: CAPTIVE_JSON } });
  assert.equal(res.status, 200);
  assert.equal(res.headers["content-type"], CAPTIVE_JSON);
  const parsed: unknown = JSON.parse(res.body);
  assert.ok(typeof parsed === "object" && parsed !== null);
  return new Map(Object.entries(parsed));
}

async function accept(portal: Portal, http = clientFor(portal)) {
  const forms = createFormHelper(http);
  const form = (await forms.load(`${portal.httpsUrl}/capport/portal`)).forms.find((f) => f.id === "accept");
  assert.ok(form);
  return forms.submit(form, { terms: "accepted" });
}

describe("capport (RFC 8908)", () => {
  test("the API is served over HTTPS with the harness certificate and says captive with both URLs", () =>
    withPortal({ scenario: "capport" }, async (portal) => {
      assert.match(portal.apiUrl ?? "", /^https:\/\/127\.0\.0\.1:\d+\/capport\/api$/);
      assert.ok(portal.ca?.includes("BEGIN CERTIFICATE"));
      const body = await api(portal);
      assert.deepEqual(Object.fromEntries(body), {
        captive: true,
        "user-portal-url": `${portal.httpsUrl}/capport/portal`,
        "venue-info-url": `${portal.httpsUrl}/capport/venue`,
      });
    }));

  test("a client that does not trust the harness certificate cannot read the API", () =>
    withPortal({ scenario: "capport" }, async (portal) => {
      await assert.rejects(createHttpClient().get(portal.apiUrl ?? ""), /certificate/i);
    }));

  test("the probe is redirected to the portal page; accepting the terms opens the garden", () =>
    withPortal({ scenario: "capport" }, async (portal) => {
      const detected = await probe(portal.probeUrl);
      assert.equal(detected.loginUrl, `${portal.url}/capport/portal`);
      const res = await accept(portal);
      assert.equal(res.url, `${portal.httpsUrl}/capport/portal`);
      assert.match(res.body, /You're online/);
      assert.equal(portal.authorized(), true);
      assert.equal((await probe(portal.probeUrl)).verdict, "online");
    }));

  test("once let through the API reports seconds-remaining, bytes-remaining and can-extend-session", () => {
    const clock = manualClock();
    return withPortal({ scenario: "capport", now: clock.now }, async (portal) => {
      await accept(portal);
      clock.advance(100);
      const body = await api(portal);
      assert.equal(body.get("captive"), false);
      assert.equal(body.get("seconds-remaining"), 3500);
      assert.equal(body.get("bytes-remaining"), 1073741824);
      assert.equal(body.get("can-extend-session"), true);
      assert.equal(body.get("user-portal-url"), `${portal.httpsUrl}/capport/portal`);
    });
  });

  test("bytes-remaining falls by what the client downloads through the garden", () =>
    withPortal({ scenario: "capport", params: { bytesQuota: 1000 } }, async (portal) => {
      await accept(portal);
      const page = await clientFor(portal).get(`${portal.url}/anything`, {
        headers: { host: "www.example.com" },
      });
      assert.equal(page.status, 200);
      const left = (await api(portal)).get("bytes-remaining");
      assert.equal(left, 1000 - Buffer.byteLength(page.body));
    }));

  test("the no-extend variant says can-extend-session false and refuses to extend", () =>
    withPortal({ scenario: "capport:no-extend" }, async (portal) => {
      await accept(portal);
      assert.equal((await api(portal)).get("can-extend-session"), false);
      const res = await clientFor(portal).post(
        `${portal.httpsUrl}/capport/portal/extend`,
        new URLSearchParams({ action: "extend" }),
      );
      assert.equal(res.status, 403);
    }));
});

describe("expiring", () => {
  test("seconds-remaining counts down on the portal's clock and the client is captured again at zero", () => {
    const clock = manualClock();
    return withPortal(
      { scenario: "expiring", now: clock.now, params: { sessionSeconds: 30 } },
      async (portal) => {
        await accept(portal);
        assert.equal((await api(portal)).get("seconds-remaining"), 30);
        clock.advance(12);
        assert.equal((await api(portal)).get("seconds-remaining"), 18);
        assert.equal((await probe(portal.probeUrl)).verdict, "online");
        clock.advance(18);
        assert.equal((await probe(portal.probeUrl)).verdict, "portal");
        assert.equal((await api(portal)).get("captive"), true);
        assert.deepEqual(
          portal.gardenEvents.map((e) => [e.authorized, e.reason]),
          [
            [true, "login"],
            [false, "expired"],
          ],
        );
      },
    );
  });

  test("the portal's Extend button renews the session, as can-extend-session promises", () => {
    const clock = manualClock();
    return withPortal(
      { scenario: "expiring", now: clock.now, params: { sessionSeconds: 30 } },
      async (portal) => {
        const http = clientFor(portal);
        const online = await accept(portal, http);
        clock.advance(25);
        const forms = createFormHelper(http);
        const extend = forms.parse(online.body, online.url).find((f) => f.id === "extend");
        assert.ok(extend);
        await forms.submit(extend);
        assert.equal((await api(portal)).get("seconds-remaining"), 30);
        clock.advance(29);
        assert.equal(portal.authorized(), true);
      },
    );
  });

  test("the file's default session is 60 seconds", () => {
    const clock = manualClock();
    return withPortal({ scenario: "expiring", now: clock.now }, async (portal) => {
      await accept(portal);
      assert.equal((await api(portal)).get("seconds-remaining"), 60);
      assert.equal((await api(portal)).has("bytes-remaining"), false);
    });
  });
});
