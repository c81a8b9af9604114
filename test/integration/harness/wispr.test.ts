import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createHttpClient } from "../../../src/auth/http-client.ts";
import type { Portal } from "../../../src/harness/index.ts";
import { manualClock, wisprField, wisprXml, withPortal } from "./helpers.ts";

const account = { username: "roamer@wispr.example", password: "pw & <more>" };
const WISPR_UA = { "user-agent": "hotspot-helper wispr" };

async function intercepted(portal: Portal, http = createHttpClient()) {
  const res = await http.get(portal.probeUrl, { headers: WISPR_UA });
  return { res, xml: wisprXml(res.body) };
}

function loginForm(portal: Portal, fields: Record<string, string> = {}) {
  return new URLSearchParams({
    UserName: account.username,
    Password: account.password,
    button: "Login",
    FNAME: "0",
    OriginatingServer: `${portal.url}/generate_204`,
    ...fields,
  });
}

describe("wispr (1.0)", () => {
  test("the intercepted page carries a Redirect 100/0 with LoginURL and AbortLoginURL in an HTML comment", () =>
    withPortal({ scenario: "wispr", credentials: account }, async (portal) => {
      const { res, xml } = await intercepted(portal);
      assert.equal(res.status, 200);
      assert.match(res.body, /<!--\s*<\?xml version="1.0" encoding="UTF-8"\?>\s*<WISPAccessGatewayParam /);
      assert.match(xml, /<Redirect>/);
      assert.equal(wisprField(xml, "MessageType"), "100");
      assert.equal(wisprField(xml, "ResponseCode"), "0");
      assert.equal(wisprField(xml, "AccessProcedure"), "1.0");
      assert.equal(wisprField(xml, "LocationName"), "ACMEWISP,Gate_14_Terminal_C");
      assert.equal(wisprField(xml, "LoginURL"), `${portal.url}/wispr/login`);
      assert.equal(wisprField(xml, "AbortLoginURL"), `${portal.url}/wispr/abort`);
      assert.equal(wisprField(xml, "VersionHigh"), undefined);
    }));

  test("a login with all five fields gets AuthenticationReply 120/50 with a LogoffURL and opens the garden", () =>
    withPortal({ scenario: "wispr", credentials: account }, async (portal) => {
      const http = createHttpClient();
      const res = await http.post(`${portal.url}/wispr/login`, loginForm(portal), { headers: WISPR_UA });
      const xml = wisprXml(res.body);
      assert.match(xml, /<AuthenticationReply>/);
      assert.deepEqual(
        [wisprField(xml, "MessageType"), wisprField(xml, "ResponseCode"), wisprField(xml, "LogoffURL")],
        ["120", "50", `${portal.url}/wispr/logoff`],
      );
      assert.equal(portal.authorized(), true);
      assert.equal((await http.get(portal.probeUrl)).status, 204);
    }));

  test("wrong credentials get 120/100 with a reply message and leave the garden closed", () =>
    withPortal({ scenario: "wispr", credentials: account }, async (portal) => {
      const res = await createHttpClient().post(
        `${portal.url}/wispr/login`,
        loginForm(portal, { Password: "x" }),
      );
      const xml = wisprXml(res.body);
      assert.deepEqual(
        [wisprField(xml, "ResponseCode"), wisprField(xml, "ReplyMessage")],
        ["100", "Invalid username or password"],
      );
      assert.equal(portal.authorized(), false);
    }));

  test("a login without FNAME or OriginatingServer is refused with 100 naming the missing fields", () =>
    withPortal({ scenario: "wispr", credentials: account }, async (portal) => {
      const form = loginForm(portal);
      form.delete("FNAME");
      form.delete("OriginatingServer");
      const xml = wisprXml((await createHttpClient().post(`${portal.url}/wispr/login`, form)).body);
      assert.equal(wisprField(xml, "ResponseCode"), "100");
      assert.equal(wisprField(xml, "ReplyMessage"), "Missing login field(s): FNAME, OriginatingServer");
      assert.equal(portal.authorized(), false);
    }));

  test("LogoffURL answers LogoffReply 130/150 and captures the client again", () =>
    withPortal({ scenario: "wispr", credentials: account }, async (portal) => {
      const http = createHttpClient();
      await http.post(`${portal.url}/wispr/login`, loginForm(portal));
      const xml = wisprXml((await http.get(`${portal.url}/wispr/logoff`)).body);
      assert.match(xml, /<LogoffReply>/);
      assert.deepEqual([wisprField(xml, "MessageType"), wisprField(xml, "ResponseCode")], ["130", "150"]);
      assert.equal(portal.authorized(), false);
      assert.equal((await http.get(portal.probeUrl)).status, 200);
    }));

  test("AbortLoginURL answers AbortLoginReply 150/151", () =>
    withPortal({ scenario: "wispr", credentials: account }, async (portal) => {
      const xml = wisprXml((await createHttpClient().get(`${portal.url}/wispr/abort`)).body);
      assert.match(xml, /<AbortLoginReply>/);
      assert.deepEqual([wisprField(xml, "MessageType"), wisprField(xml, "ResponseCode")], ["150", "151"]);
    }));

  test("the page also has a plain HTML form carrying the WISPr fields, for browsers", () =>
    withPortal({ scenario: "wispr", credentials: account }, async (portal) => {
      const { res } = await intercepted(portal);
      assert.match(res.body, /<input type="hidden" name="FNAME" value="0">/);
      assert.match(
        res.body,
        /<input type="hidden" name="OriginatingServer" value="http:\/\/127\.0\.0\.1:\d+\/generate_204">/,
      );
    }));
});

describe("wispr:pending (201, LoginResultsURL, Delay)", () => {
  test("login answers 201 with LoginResultsURL and Delay; polls get 140/201 until the delay has passed, then 140/50", () => {
    const clock = manualClock();
    return withPortal({ scenario: "wispr:pending", credentials: account, now: clock.now }, async (portal) => {
      const http = createHttpClient();
      const reply = wisprXml((await http.post(`${portal.url}/wispr/login`, loginForm(portal))).body);
      assert.deepEqual(
        [wisprField(reply, "MessageType"), wisprField(reply, "ResponseCode"), wisprField(reply, "Delay")],
        ["120", "201", "1"],
      );
      const results = wisprField(reply, "LoginResultsURL") ?? "";
      assert.match(results, /\/wispr\/results\?ticket=/);
      assert.equal(portal.authorized(), false);
      const early = wisprXml((await http.get(results)).body);
      assert.match(early, /<AuthenticationPollReply>/);
      assert.deepEqual([wisprField(early, "MessageType"), wisprField(early, "ResponseCode")], ["140", "201"]);
      clock.advance(2);
      const done = wisprXml((await http.get(results)).body);
      assert.deepEqual(
        [wisprField(done, "MessageType"), wisprField(done, "ResponseCode"), wisprField(done, "LogoffURL")],
        ["140", "50", `${portal.url}/wispr/logoff`],
      );
      assert.equal(portal.authorized(), true);
    });
  });

  test("a poll with a wrong ticket is answered 140/100", () =>
    withPortal({ scenario: "wispr:pending", credentials: account }, async (portal) => {
      const http = createHttpClient();
      await http.post(`${portal.url}/wispr/login`, loginForm(portal));
      const xml = wisprXml((await http.get(`${portal.url}/wispr/results?ticket=forged`)).body);
      assert.deepEqual([wisprField(xml, "MessageType"), wisprField(xml, "ResponseCode")], ["140", "100"]);
    }));
});

describe("wispr:proxy (110/200, NextURL, Delay)", () => {
  test("the first answer is a Proxy with NextURL and Delay; NextURL too early repeats it, after the delay gives the Redirect", () => {
    const clock = manualClock();
    return withPortal({ scenario: "wispr:proxy", credentials: account, now: clock.now }, async (portal) => {
      const http = createHttpClient();
      const { xml } = await intercepted(portal, http);
      assert.match(xml, /<Proxy>/);
      assert.deepEqual(
        [wisprField(xml, "MessageType"), wisprField(xml, "ResponseCode"), wisprField(xml, "Delay")],
        ["110", "200", "1"],
      );
      const next = wisprField(xml, "NextURL") ?? "";
      assert.match(next, /\/wispr\/next\?orig=/);
      assert.match(wisprXml((await http.get(next)).body), /<Proxy>/);
      clock.advance(1);
      const redirect = wisprXml((await http.get(next)).body);
      assert.match(redirect, /<Redirect>/);
      assert.equal(wisprField(redirect, "LoginURL"), `${portal.url}/wispr/login`);
      assert.match(wisprXml((await intercepted(portal, http)).res.body), /<Redirect>/);
    });
  });
});

describe("wispr2", () => {
  test("the Redirect adds VersionHigh 2.0 and VersionLow 1.0 and wraps values in CDATA", () =>
    withPortal({ scenario: "wispr2", credentials: account }, async (portal) => {
      const { xml } = await intercepted(portal);
      assert.equal(wisprField(xml, "VersionHigh"), "2.0");
      assert.equal(wisprField(xml, "VersionLow"), "1.0");
      assert.match(xml, /<LoginURL><!\[CDATA\[http:\/\/127\.0\.0\.1:\d+\/wispr\/login\]\]><\/LoginURL>/);
      assert.match(xml, /wispr_2_0\.xsd/);
    }));

  test("accepts a login posted with WISPrVersion=2.0", () =>
    withPortal({ scenario: "wispr2", credentials: account }, async (portal) => {
      const res = await createHttpClient().post(
        `${portal.url}/wispr/login`,
        loginForm(portal, { WISPrVersion: "2.0" }),
      );
      assert.equal(wisprField(wisprXml(res.body), "ResponseCode"), "50");
      assert.equal(portal.authorized(), true);
    }));
});
