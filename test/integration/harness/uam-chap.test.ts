import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { createFormHelper } from "../../../src/auth/forms.ts";
import { createHttpClient } from "../../../src/auth/http-client.ts";
import { probe } from "../../../src/auth/probe.ts";
import { chapResponse, decodePapPassword, type Portal, papPassword } from "../../../src/harness/index.ts";
import { withPortal } from "./helpers.ts";

const account = { username: "hotspot-user", password: "chilli-pw" };

async function notyet(portal: Portal) {
  const detected = await probe(portal.probeUrl);
  assert.equal(detected.verdict, "portal");
  return new URL(detected.loginUrl ?? "");
}

describe("CHAP and PAP encodings (chap.ts)", () => {
  test("CHAP response is md5(0x00 ‖ password ‖ challenge bytes) in hex", () => {
    const challenge = "00112233445566778899aabbccddeeff";
    const expected = createHash("md5")
      .update(Buffer.concat([Buffer.from([0]), Buffer.from("secret"), Buffer.from(challenge, "hex")]))
      .digest("hex");
    assert.equal(chapResponse("secret", challenge), expected);
  });

  test("with a UAM secret the key is md5(challenge bytes ‖ secret)", () => {
    const challenge = "00112233445566778899aabbccddeeff";
    const key = createHash("md5").update(Buffer.from(challenge, "hex")).update("testing123").digest();
    const expected = createHash("md5")
      .update(Buffer.concat([Buffer.from([0]), Buffer.from("secret"), key]))
      .digest("hex");
    assert.equal(chapResponse("secret", challenge, "testing123"), expected);
  });

  test("PAP XORs the zero-padded password with the key and decodes back, also past 16 bytes", () => {
    const challenge = "ffeeddccbbaa99887766554433221100";
    const short = papPassword("abc", challenge);
    assert.equal(short.length, 32);
    assert.equal(short.slice(0, 2), (0x61 ^ 0xff).toString(16));
    assert.equal(decodePapPassword(short, challenge), "abc");
    const long = "a-password-longer-than-sixteen-bytes";
    assert.equal(papPassword(long, challenge).length, 96);
    assert.equal(decodePapPassword(papPassword(long, challenge, "s"), challenge, "s"), long);
  });
});

describe("uam-chap scenario", () => {
  test("a captured request is redirected to the UAM server with res=notyet, uamip, uamport and a challenge", () =>
    withPortal({ scenario: "uam-chap", credentials: account }, async (portal) => {
      const login = await notyet(portal);
      const gateway = new URL(portal.url);
      assert.equal(login.pathname, "/hotspotlogin");
      assert.equal(login.searchParams.get("res"), "notyet");
      assert.equal(login.searchParams.get("uamip"), gateway.hostname);
      assert.equal(login.searchParams.get("uamport"), gateway.port);
      assert.match(login.searchParams.get("challenge") ?? "", /^[0-9a-f]{32}$/);
      assert.equal(login.searchParams.get("userurl"), portal.probeUrl);
      assert.equal(login.searchParams.get("nasid"), "hh-harness");
      assert.match(login.searchParams.get("mac") ?? "", /^02(-[0-9A-F]{2}){5}$/);
      assert.equal(login.searchParams.has("md"), false);
    }));

  test("the hotspotlogin form computes CHAP server-side and meta-refreshes to /logon, which lets the client in", () =>
    withPortal({ scenario: "uam-chap", credentials: account }, async (portal) => {
      const http = createHttpClient();
      const forms = createFormHelper(http);
      const { forms: found } = await forms.load((await notyet(portal)).href);
      const form = found[0];
      assert.ok(form);
      assert.deepEqual(
        form.inputs.map((i) => i.name),
        ["challenge", "uamip", "uamport", "userurl", "UserName", "Password", "button"],
      );
      const refresh = await forms.submit(form, { UserName: account.username, Password: account.password });
      const target = /content="0;url=([^"]+)"/.exec(refresh.body)?.[1]?.replaceAll("&amp;", "&") ?? "";
      const logon = new URL(target);
      assert.equal(logon.pathname, "/logon");
      assert.equal(
        logon.searchParams.get("response"),
        chapResponse(account.password, form.inputs.find((i) => i.name === "challenge")?.value ?? ""),
      );
      const done = await http.get(logon, { followRedirects: true });
      assert.equal(new URL(done.url).searchParams.get("res"), "success");
      assert.match(done.body, /Logged in/);
      assert.equal(portal.authorized(), true);
      assert.equal(
        portal.log.some((e) => e.url.includes(account.password)),
        false,
      );
    }));

  test("a smart client may call /logon with its own CHAP response, or with a PAP password", () =>
    withPortal({ scenario: "uam-chap", credentials: account }, async (portal) => {
      const http = createHttpClient();
      const challenge = (await notyet(portal)).searchParams.get("challenge") ?? "";
      const chap = new URL(`${portal.url}/logon`);
      chap.searchParams.set("username", account.username);
      chap.searchParams.set("response", chapResponse(account.password, challenge));
      assert.equal(new URL((await http.get(chap)).headers.location ?? "").searchParams.get("res"), "success");
      await http.get(`${portal.url}/logoff`);
      assert.equal(portal.authorized(), false);
      const again = (await notyet(portal)).searchParams.get("challenge") ?? "";
      const pap = new URL(`${portal.url}/logon`);
      pap.searchParams.set("username", account.username);
      pap.searchParams.set("password", papPassword(account.password, again));
      assert.equal(new URL((await http.get(pap)).headers.location ?? "").searchParams.get("res"), "success");
    }));

  test("a wrong response gets res=failed with a reply and a fresh challenge; the old one is spent", () =>
    withPortal({ scenario: "uam-chap", credentials: account }, async (portal) => {
      const http = createHttpClient();
      const challenge = (await notyet(portal)).searchParams.get("challenge") ?? "";
      const bad = new URL(`${portal.url}/logon`);
      bad.searchParams.set("username", account.username);
      bad.searchParams.set("response", chapResponse("wrong", challenge));
      const failed = new URL((await http.get(bad)).headers.location ?? "");
      assert.equal(failed.searchParams.get("res"), "failed");
      assert.equal(failed.searchParams.get("reply"), "Wrong username or password");
      assert.notEqual(failed.searchParams.get("challenge"), challenge);
      bad.searchParams.set("response", chapResponse(account.password, challenge));
      assert.equal(new URL((await http.get(bad)).headers.location ?? "").searchParams.get("res"), "failed");
      assert.equal(portal.authorized(), false);
    }));

  test("/logoff ends the session and redirects with res=logoff", () =>
    withPortal({ scenario: "uam-chap", credentials: account }, async (portal) => {
      portal.authorize();
      const res = await createHttpClient().get(`${portal.url}/logoff`);
      assert.equal(new URL(res.headers.location ?? "").searchParams.get("res"), "logoff");
      assert.equal(portal.authorized(), false);
    }));

  test("the uamsecret variant signs the redirect with md and keys CHAP with md5(challenge ‖ secret)", () =>
    withPortal({ scenario: "uam-chap:uamsecret", credentials: account }, async (portal) => {
      const login = await notyet(portal);
      const md = login.searchParams.get("md") ?? "";
      const unsigned = login.href.slice(0, login.href.indexOf("&md="));
      assert.equal(md, createHash("md5").update(`${unsigned}testing123`).digest("hex").toUpperCase());
      const challenge = login.searchParams.get("challenge") ?? "";
      const logon = new URL(`${portal.url}/logon`);
      logon.searchParams.set("username", account.username);
      logon.searchParams.set("response", chapResponse(account.password, challenge));
      assert.equal(
        new URL((await createHttpClient().get(logon)).headers.location ?? "").searchParams.get("res"),
        "failed",
      );
      const again = (await notyet(portal)).searchParams.get("challenge") ?? "";
      logon.searchParams.set("response", chapResponse(account.password, again, "testing123"));
      assert.equal(
        new URL((await createHttpClient().get(logon)).headers.location ?? "").searchParams.get("res"),
        "success",
      );
    }));
});
