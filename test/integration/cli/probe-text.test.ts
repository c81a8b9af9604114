import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { captureIo } from "../../../src/cli/io.ts";
import { main } from "../../../src/cli/main.ts";
import { describePortalInfo } from "../../../src/cli/portal-text.ts";
import { withPortal } from "../../../src/harness/index.ts";
import type { PortalInfo } from "../../../src/helper-api/context.ts";

describe("hotspot probe: the human output names the shape, the login page and the plugin needed", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "hh-probe-text-"));
    env = { XDG_CONFIG_HOME: dir, HOME: dir };
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function probeText(...args: string[]): Promise<{ code: number; out: string }> {
    const io = captureIo(env);
    const code = await main(["probe", ...args], io);
    return { code, out: io.stdoutText() + io.stderrText() };
  }

  test("a redirect names the form host a plugin must declare", () =>
    withPortal({ scenario: "form-login" }, async (portal) => {
      const { code, out } = await probeText("--url", portal.probeUrl);
      assert.equal(code, 1);
      const host = new URL(portal.url).hostname;
      assert.match(out, /^recognised: redirect \(the probe was answered with a 30x; plugins follow it/m);
      assert.match(out, new RegExp(`^login page: ${portal.url}/login`, "m"));
      assert.match(
        out,
        new RegExp(
          `^a plugin would need: click-through .*a form plugin that declares the host ${host}$`,
          "m",
        ),
      );
    }));

  test("a redirect chain through two hosts shows where it ends, and that host is the one a plugin must declare", () =>
    withPortal({ scenario: "redirect-chain" }, async (portal) => {
      const { out } = await probeText("--url", portal.probeUrl);
      assert.match(
        out,
        /^ {2}redirects on through: http:\/\/localhost:\d+\/guest\/s\/default\/\?\S+ → \S+\/guest\/s\/default\/login$/m,
      );
      assert.match(out, /declares the host localhost$/m);
    }));

  test("a 511 names the API from the Link header and capport", () =>
    withPortal({ scenario: "status-511" }, async (portal) => {
      const ca = join(dir, "ca.pem");
      await writeFile(ca, portal.ca ?? "");
      const { out } = await probeText("--url", portal.probeUrl, "--ca", ca);
      assert.match(
        out,
        /^recognised: RFC 8908 API \(captive: true\); 511 Network Authentication Required \(RFC 6585\)$/m,
      );
      assert.match(
        out,
        /^RFC 8908 API https:\/\/\S+\/capport\/api \(named by the Link header\): captive=true$/m,
      );
      assert.match(out, /^a plugin would need: capport \(the RFC 8908 API at https:/m);
    }));

  test("a meta refresh shows the pages passed and the cookies kept", () =>
    withPortal({ scenario: "meta-refresh" }, async (portal) => {
      const { out } = await probeText("--url", portal.probeUrl);
      assert.match(out, /^recognised: meta refresh \(a 200 page that moves on/m);
      assert.match(out, new RegExp(`^login page: ${portal.url}/guest/terms$`, "m"));
      assert.match(out, /^ {2}reached through: \S+\/guest\/start\?dst=\S+ → \S+\/guest\/terms$/m);
      assert.match(out, /^ {2}cookies kept for the plugin: hs_session \(127\.0\.0\.1\)$/m);
    }));

  test("a script redirect and a loop say so", async () => {
    await withPortal({ scenario: "meta-refresh:script" }, async (portal) => {
      assert.match((await probeText("--url", portal.probeUrl)).out, /^recognised: script redirect/m);
    });
    await withPortal({ scenario: "meta-refresh:loop" }, async (portal) => {
      assert.match(
        (await probeText("--url", portal.probeUrl)).out,
        /^ {2}stopped early: HH_PORTAL_CHAIN_STOPPED: following the portal's page moves stopped at step 3 /m,
      );
    });
  });

  test("WISPr names the wispr plugin and the LoginURL host", () =>
    withPortal({ scenario: "wispr" }, async (portal) => {
      const { out } = await probeText("--url", portal.probeUrl);
      assert.match(out, /^recognised: WISPr XML \(Redirect\)/m);
      assert.match(
        out,
        /^a plugin would need: the wispr plugin with an account for this network \(LoginURL host /m,
      );
    }));

  test("--https-url that is not https is a usage error", async () => {
    const { code, out } = await probeText("--url", "http://127.0.0.1:9/", "--https-url", "http://x/");
    assert.equal(code, 2);
    assert.match(out, /--https-url: not an https:\/\/ URL/);
  });

  test("online, unreachable, a certificate failure and a portal without a login page each read plainly", () => {
    const base = { probeUrl: "http://p.test/generate_204" };
    assert.match(
      describePortalInfo({ ...base, verdict: "online", status: 204 }),
      /a plugin would need: nothing: the network is online/,
    );
    assert.match(
      describePortalInfo({ ...base, verdict: "unreachable", reason: "ECONNREFUSED" }),
      /reason: ECONNREFUSED\na plugin would need: nothing yet/,
    );
    const tls: PortalInfo = {
      ...base,
      verdict: "portal",
      status: 302,
      shape: "redirect",
      httpsProbe: {
        url: "https://p.test/",
        verdict: "portal",
        reason: "certificate did not verify: self-signed",
      },
    };
    const text = describePortalInfo(tls);
    assert.match(text, /recognised: redirect .*; certificate failure on the HTTPS probe/);
    assert.match(
      text,
      /^HTTPS probe https:\/\/p\.test\/: portal \(certificate did not verify: self-signed\)$/m,
    );
    assert.match(text, /a plugin would need: a browser: the portal named no login page/);
  });
});
