import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { defaultUserConfig } from "../../../src/config/schema.ts";
import type { PortalInfo } from "../../../src/helper-api/context.ts";
import type { JoinedNetwork, ScannedNetwork } from "../../../src/helper-api/network.ts";
import { createRegistry } from "../../../src/helper-api/registry.ts";
import type { ClaimMatch } from "../../../src/helper-api/registry-types.ts";
import { createPluginHost } from "../../../src/plugin-host/host.ts";
import { frozenCopy } from "../../../src/util/frozen-copy.ts";
import { loaded, network } from "./helpers.ts";

const meta = { version: "1.0.0", sdk: "^0.1.0" };
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const config = defaultUserConfig();
const storeRoot = mkdtempSync(join(tmpdir(), "hh-immutability-"));
after(() => rmSync(storeRoot, { recursive: true, force: true }));
const host = () => createPluginHost({ config, storeRoot, transportFor: () => ({}) });

/** Everything a hostile plugin might try on a network it was handed; each attempt that throws is counted. */
function vandalise(n: ScannedNetwork | JoinedNetwork, list?: readonly ScannedNetwork[]): number {
  let refused = 0;
  const attempt = (f: () => void) => {
    try {
      f();
    } catch {
      refused++;
    }
  };
  n.ssid.fill(0x58);
  attempt(() => Object.assign(n, { ssidText: "XXXX", bssid: "02:66:66:66:66:66" }));
  if ("dns" in n && n.dns) attempt(() => Reflect.apply(Array.prototype.push, n.dns, ["6.6.6.6"]));
  if (list) attempt(() => Reflect.apply(Array.prototype.push, list, [network("Injected")]));
  return refused;
}

describe("network data is the plugin's own, deeply frozen copy", () => {
  test("frozenCopy gives fresh bytes and frozen objects and arrays all the way down", () => {
    const original = { a: { b: [1, { c: "x" }] }, bytes: Uint8Array.of(1, 2) };
    const copy = frozenCopy(original);
    assert.deepEqual(copy, original);
    assert.notEqual(copy.bytes, original.bytes);
    assert.ok(
      Object.isFrozen(copy) &&
        Object.isFrozen(copy.a) &&
        Object.isFrozen(copy.a.b) &&
        Object.isFrozen(copy.a.b[1]),
    );
    assert.ok(!Object.isFrozen(original.a));
  });

  test("filterScanList: one plugin writing into its SSID bytes changes nothing for the next plugin or the daemon", async () => {
    const seen: string[] = [];
    let refused = 0;
    const vandal = loaded({
      id: "vandal",
      displayName: "Vandal",
      ...meta,
      filterScanList: async (networks) => {
        refused = vandalise(networks[0]!, networks);
        return [];
      },
    });
    const witness = loaded({
      id: "witness",
      displayName: "Witness",
      ...meta,
      filterScanList: async (networks) => {
        seen.push(...networks.map((n) => `${text(n.ssid)}/${n.ssidText}/${n.bssid}`));
        return [{ bssid: networks[0]?.bssid ?? "", confidence: "high" }];
      },
    });
    const cafe = network("Cafe", { bssid: "02:00:00:00:00:01" });
    const registry = createRegistry({ plugins: [vandal, witness], config, host: host() });
    const [claims] = await registry.filterScanList([cafe]);
    assert.equal(refused, 2);
    assert.deepEqual(seen, ["Cafe/Cafe/02:00:00:00:00:01"]);
    assert.equal(text(cafe.ssid), "Cafe");
    assert.deepEqual(
      claims?.map((c) => c.pluginId),
      ["witness"],
    );
  });

  test("evaluate: the network and portal a plugin gets are its own frozen copies", async () => {
    const joined: JoinedNetwork = {
      ...network("Cafe"),
      interface: "wlan0",
      justJoined: true,
      autoJoined: false,
      dns: ["192.0.2.53"],
    };
    const portal: PortalInfo = {
      verdict: "portal",
      probeUrl: "http://probe.test/",
      loginUrl: "https://login.test/",
    };
    const seen: string[] = [];
    let refused = 0;
    const vandal = loaded({
      id: "vandal",
      displayName: "Vandal",
      ...meta,
      evaluate: async ({ network: n, portal: p }) => {
        refused = vandalise(n);
        try {
          Object.assign(p, { loginUrl: "https://evil.test/" });
        } catch {
          refused++;
        }
        return { confidence: "low" };
      },
    });
    const witness = loaded({
      id: "witness",
      displayName: "Witness",
      ...meta,
      evaluate: async ({ network: n, portal: p }) => {
        seen.push(`${text(n.ssid)}/${n.bssid}/${n.dns?.join(",")}/${p.loginUrl}`);
        return { confidence: "low" };
      },
    });
    const registry = createRegistry({ plugins: [vandal, witness], config, host: host() });
    const claim = (pluginId: string): ClaimMatch => ({
      pluginId,
      displayName: pluginId,
      confidence: "low",
      priority: 0,
      origin: "static",
    });
    await host().evaluate([claim("vandal"), claim("witness")], joined, portal, { registry });
    assert.equal(refused, 3);
    assert.deepEqual(seen, ["Cafe/02:00:00:00:00:01/192.0.2.53/https://login.test/"]);
    assert.equal(text(joined.ssid), "Cafe");
    assert.equal(portal.loginUrl, "https://login.test/");
  });
});
