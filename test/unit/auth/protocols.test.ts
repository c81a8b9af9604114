import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { CAPPORT_UNRESTRICTED, capportUriProblem, parseCapportAnswer } from "../../../src/auth/capport.ts";
import { capportSessionFacts } from "../../../src/auth/capport-client.ts";
import { combine } from "../../../src/auth/detect.ts";
import { chapResponse, uamParams } from "../../../src/auth/uam.ts";
import { wisprResult } from "../../../src/auth/wispr/client.ts";
import { readWisprMessage } from "../../../src/auth/wispr/messages.ts";
import { parseXml } from "../../../src/auth/wispr/xml.ts";
import { isHotspotError } from "../../../src/errors.ts";
import type { PortalInfo } from "../../../src/helper-api/context.ts";

const sample = (name: string) =>
  readFileSync(new URL(`../../../fixtures/protocols/${name}`, import.meta.url), "utf8");
const wisprInvalid = (e: unknown) => isHotspotError(e, "HH_WISPR_INVALID");

describe("WISPr XML", () => {
  test("a 1.0 Redirect in an HTML comment is read, with XML entities decoded", () => {
    const m = readWisprMessage(sample("wispr1-redirect.html"));
    assert.equal(m?.message, "Redirect");
    assert.equal(m?.messageType, 100);
    assert.equal(m?.responseCode, 0);
    assert.equal(m?.locationName, "ACMEWISP,Gate_14_Terminal_C_of_Newark_Airport");
    assert.equal(m?.accessLocation, "isocc=us,cc=1,ac=408,network=ACMEWISP");
    assert.equal(m?.loginUrl, "https://wispr.acmewisp.com/login?loc=Gate14&lang=en");
    assert.equal(m?.versionHigh, undefined);
  });

  test("a 2.0 Redirect with CDATA values and version negotiation fields is read verbatim", () => {
    const m = readWisprMessage(sample("wispr2-redirect-cdata.html"));
    assert.equal(m?.versionHigh, "2.0");
    assert.equal(m?.versionLow, "1.0");
    assert.equal(m?.locationName, "EXAMPLE,Cafe <Soho>");
    assert.equal(m?.loginUrl, "https://login.example.net/wispr?nasid=ab&res=login");
  });

  test("Proxy and pending AuthenticationReply carry NextURL, LoginResultsURL and Delay", () => {
    const proxy = readWisprMessage(sample("wispr-proxy.html"));
    assert.deepEqual(
      [proxy?.messageType, proxy?.responseCode, proxy?.nextUrl, proxy?.delaySeconds],
      [110, 200, "http://gw.example.net/next?x=1", 2],
    );
    const pending = readWisprMessage(sample("wispr-auth-pending.html"));
    assert.deepEqual(
      [pending?.responseCode, pending?.loginResultsUrl, pending?.delaySeconds],
      [201, "https://wispr.acmewisp.com/results?t=1", 1],
    );
  });

  test("a page without WISPr XML has no message", () => {
    assert.equal(readWisprMessage("<html><body>Welcome</body></html>"), undefined);
  });

  test("a DOCTYPE (entity bomb) in front of the XML is refused without expanding anything", () => {
    const started = performance.now();
    assert.throws(() => readWisprMessage(sample("wispr-entity-bomb.html")), wisprInvalid);
    assert.ok(performance.now() - started < 100);
  });

  test("the XML reader refuses DOCTYPE, excess depth, element counts and size, and leaves unknown entities unexpanded", () => {
    assert.throws(() => parseXml('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'), wisprInvalid);
    assert.throws(() => parseXml(`${"<a>".repeat(20)}${"</a>".repeat(20)}`), wisprInvalid);
    assert.throws(() => parseXml(`<r>${"<b/>".repeat(300)}</r>`), wisprInvalid);
    assert.throws(() => parseXml(`<r>${"x".repeat(20_000)}</r>`), wisprInvalid);
    assert.equal(parseXml("<a>&x; &amp; &#65;&#x42;</a>").text, "&x; & AB");
    assert.throws(() => parseXml("<a><b></a>"), wisprInvalid);
    assert.throws(() => parseXml("<a></a><b></b>"), wisprInvalid);
  });

  test("messages with missing or non-numeric codes are coded errors", () => {
    const wrap = (inner: string) =>
      `<!-- <WISPAccessGatewayParam><Redirect>${inner}</Redirect></WISPAccessGatewayParam> -->`;
    assert.throws(() => readWisprMessage(wrap("<ResponseCode>0</ResponseCode>")), wisprInvalid);
    assert.throws(
      () => readWisprMessage(wrap("<MessageType>abc</MessageType><ResponseCode>0</ResponseCode>")),
      wisprInvalid,
    );
    assert.throws(
      () =>
        readWisprMessage(
          wrap("<MessageType>100</MessageType><ResponseCode>0</ResponseCode><LoginURL>not a url</LoginURL>"),
        ),
      wisprInvalid,
    );
  });

  test("every response code maps to a hook result", () => {
    const code = (responseCode: number) =>
      wisprResult({ message: "AuthenticationReply", messageType: 120, responseCode }).result;
    assert.deepEqual([50, 100, 102, 105, 151, 10, 253, 254, 255, 201, 999].map(code), [
      "success",
      "failure",
      "temporaryFailure",
      "temporaryFailure",
      "failure",
      "unsupportedNetwork",
      "failure",
      "failure",
      "temporaryFailure",
      "temporaryFailure",
      "failure",
    ]);
    const ok = wisprResult({
      message: "AuthenticationReply",
      messageType: 120,
      responseCode: 50,
      logoffUrl: "https://g.example/logoff",
    });
    assert.deepEqual(ok, { result: "success", session: { logoffUrl: "https://g.example/logoff" } });
  });
});

describe("RFC 8908 API answers", () => {
  const uri = "https://api.example.net/capport";

  test("a captive answer and an open one with expiry, quota and extension are read; unknown keys are ignored", () => {
    const captive = parseCapportAnswer(uri, 200, "application/captive+json", sample("capport-captive.json"));
    assert.deepEqual(captive, {
      uri,
      captive: true,
      userPortalUrl: "https://portal.example.net/welcome",
      venueInfoUrl: "https://venue.example.net/",
    });
    const open = parseCapportAnswer(
      uri,
      200,
      "application/captive+json; charset=utf-8",
      sample("capport-open.json"),
    );
    assert.deepEqual(capportSessionFacts(open), {
      expiresInSeconds: 326,
      bytesRemaining: 65536000,
      canExtend: true,
    });
  });

  test("bad answers are coded errors that do not quote the body", () => {
    const bad = (status: number, type: string, body: string) => () =>
      parseCapportAnswer(uri, status, type, body);
    const coded = (e: unknown) =>
      isHotspotError(e, "HH_CAPPORT_API_INVALID") && !e.message.includes("SECRETBODY");
    assert.throws(bad(200, "application/captive+json", '{"captive": "SECRETBODY"'), coded);
    assert.throws(bad(200, "application/captive+json", '{"captive": "yes", "x": "SECRETBODY"}'), coded);
    assert.throws(bad(200, "text/html", '{"captive": false}'), coded);
    assert.throws(bad(500, "application/captive+json", '{"captive": false}'), coded);
    assert.throws(bad(200, "application/captive+json", "[SECRETBODY]"), coded);
  });

  test("a plain-HTTP user portal URL is dropped and a plain-HTTP API refused, unless on a test network", () => {
    const info = parseCapportAnswer(
      uri,
      200,
      "application/captive+json",
      '{"captive":true,"user-portal-url":"http://p.example/"}',
    );
    assert.equal(info.userPortalUrl, undefined);
    assert.match(capportUriProblem("http://api.example/", false) ?? "", /HTTPS/);
    assert.equal(capportUriProblem("http://api.example/", true), undefined);
    assert.equal(capportUriProblem("https://api.example/", false), undefined);
    assert.ok(CAPPORT_UNRESTRICTED.startsWith("urn:ietf:params:capport"));
  });

  test("a venue page that is not http(s) is dropped and the rest of the answer kept", () => {
    for (const venue of ["javascript:alert(1)", "data:text/html,hi", "file:///etc/passwd"]) {
      const info = parseCapportAnswer(
        uri,
        200,
        "application/captive+json",
        JSON.stringify({ captive: false, "venue-info-url": venue, "seconds-remaining": 60 }),
      );
      assert.equal(info.venueInfoUrl, undefined, venue);
      assert.equal(info.secondsRemaining, 60);
    }
    const ok = parseCapportAnswer(
      uri,
      200,
      "application/captive+json",
      '{"captive":false,"venue-info-url":"HTTP://venue.example/info"}',
    );
    assert.equal(ok.venueInfoUrl, "HTTP://venue.example/info");
  });

  test("detection trusts captive:true over an open probe, and an intercepted probe over captive:false", () => {
    const online: PortalInfo = { verdict: "online", probeUrl: "http://p/generate_204", status: 204 };
    const held: PortalInfo = {
      verdict: "portal",
      probeUrl: "http://p/generate_204",
      status: 302,
      loginUrl: "http://p/login",
    };
    const api = { uri, captive: true, userPortalUrl: "https://portal.example.net/" };
    assert.deepEqual(
      [combine(online, api).verdict, combine(online, api).loginUrl, combine(online, api).decidedBy],
      ["portal", "https://portal.example.net/", "api"],
    );
    assert.equal(combine(held, { uri, captive: false }).verdict, "portal");
    assert.equal(
      combine({ ...online, verdict: "unreachable", reason: "timeout" }, { uri, captive: false }).verdict,
      "online",
    );
    assert.equal(combine(held, new Error("down")).apiError, "down");
  });
});

describe("UAM/CHAP", () => {
  test("the CHAP response is MD5(0x00 + password + challenge), the challenge keyed with the UAM secret when set", () => {
    assert.equal(
      chapResponse("secret", "00112233445566778899aabbccddeeff"),
      "c17511d224a5e93170632807d36388aa",
    );
    assert.notEqual(
      chapResponse("secret", "00112233445566778899aabbccddeeff", "testing123"),
      chapResponse("secret", "00112233445566778899aabbccddeeff"),
    );
    assert.throws(
      () => chapResponse("p", "zz"),
      (e) => isHotspotError(e, "HH_UAM_INVALID"),
    );
  });

  test("UAM parameters are read from a CoovaChilli redirect and absent elsewhere", () => {
    const p = uamParams(
      "http://10.1.0.1/hotspotlogin?res=notyet&uamip=10.1.0.1&uamport=3990&challenge=abcd&userurl=http%3A%2F%2Fx%2F",
    );
    assert.deepEqual(
      [p?.uamip, p?.uamport, p?.challenge, p?.res, p?.userurl],
      ["10.1.0.1", "3990", "abcd", "notyet", "http://x/"],
    );
    assert.equal(uamParams("http://portal.example/login"), undefined);
    assert.equal(uamParams("http://x/?uamip=1.2.3.4&uamport=abc&challenge=ab"), undefined);
  });
});
