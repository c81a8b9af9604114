import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { namespaceModeUnavailable, withNamespaceWorld } from "../../../src/harness/netns/world.ts";

const unavailable = await namespaceModeUnavailable();
const skip = unavailable === undefined ? false : `namespace mode unavailable: ${unavailable}`;
const HOTSPOT = fileURLToPath(new URL("../../../bin/hotspot.js", import.meta.url));
const PROBE = "http://connectivitycheck.gstatic.com/generate_204";

const authReport = z.object({
  portal: z.object({
    verdict: z.string(),
    shape: z.string().optional(),
    apiSource: z.string().optional(),
    httpsProbe: z.object({ verdict: z.string(), reason: z.string().optional() }).optional(),
  }),
  result: z.object({ result: z.string() }).passthrough(),
  verified: z.boolean().optional(),
});

/**
 * Each new portal shape, in namespace mode: the client namespace gets its address and DNS
 * from dnsmasq, the walled garden is nftables, and `hotspot auth` (detection, one plugin's
 * authenticate, the daemon's verification) runs in the client namespace as a user would run it.
 */
const cases = [
  { scenario: "strict-headers", plugin: "click-through", config: { ssids: ["Guest"] }, shape: "redirect" },
  { scenario: "status-511", plugin: "capport", config: { anyOpenNetwork: true }, shape: "status-511" },
  {
    scenario: "status-511:no-link",
    plugin: "click-through",
    config: { ssids: ["Guest"] },
    shape: "status-511",
  },
  { scenario: "meta-refresh", plugin: "click-through", config: { ssids: ["Guest"] }, shape: "meta-refresh" },
  {
    scenario: "meta-refresh:script",
    plugin: "click-through",
    config: { ssids: ["Guest"] },
    shape: "script-redirect",
  },
  { scenario: "redirect-chain", plugin: "click-through", config: { ssids: ["Guest"] }, shape: "redirect" },
  { scenario: "tls-intercept", plugin: "click-through", config: { ssids: ["Guest"] }, shape: "redirect" },
] as const;

describe("new portal shapes in namespace mode", { skip }, () => {
  for (const c of cases) {
    test(`${c.scenario}: ${c.plugin} logs in from the client namespace and the garden lets the client through`, () =>
      withNamespaceWorld({ scenario: c.scenario }, async (world) => {
        const lease = await world.dhcp();
        const etc = `/etc/netns/${world.names.client}`;
        const dir = await mkdtemp(join(tmpdir(), "hh-shapes-"));
        try {
          await mkdir(etc, { recursive: true });
          await writeFile(`${etc}/resolv.conf`, lease.dns.map((d) => `nameserver ${d}\n`).join(""));
          const config = join(dir, "config.json");
          await writeFile(config, JSON.stringify({ plugins: { [c.plugin]: { config: c.config } } }));
          const out = await world.inClient(process.execPath, [
            HOTSPOT,
            "auth",
            "--plugin",
            c.plugin,
            "--ssid",
            "Guest",
            "--probe-url",
            PROBE,
            "--ca",
            world.caFile,
            "--config",
            config,
            "--https-url",
            "https://www.google.com/generate_204",
            "--json",
          ]);
          const report = authReport.parse(JSON.parse(out));
          assert.equal(report.portal.verdict, "portal");
          assert.equal(report.portal.shape, c.shape);
          if (c.scenario === "status-511") assert.equal(report.portal.apiSource, "link-header");
          if (c.scenario === "tls-intercept") {
            // DNS gives the gateway's address for every name; its certificate is for its own.
            assert.equal(report.portal.httpsProbe?.verdict, "portal");
            assert.match(report.portal.httpsProbe?.reason ?? "", /^certificate did not verify/);
          }
          assert.equal(report.result.result, "success", out);
          assert.equal(report.verified, true, "verified online by detection after the login");
          assert.ok(
            (await world.gardenMembers()).includes(lease.address),
            "the garden let the client through",
          );
        } finally {
          await rm(etc, { recursive: true, force: true });
          await rm(dir, { recursive: true, force: true });
        }
      }));
  }
});
