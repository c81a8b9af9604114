import assert from "node:assert/strict";
import type { LookupFunction } from "node:net";
import { describe, test } from "node:test";
import type { LeaseBinding } from "../../../src/browser/warm-instance.ts";
import type { PortalInfo } from "../../../src/helper-api/context.ts";
import type { JoinedNetwork } from "../../../src/helper-api/network.ts";
import { warmLeases } from "../../../src/plugin-host/warm-leases.ts";
import { loaded, network } from "../helper-api/helpers.ts";

/**
 * The binding the daemon gives a lease it lends a plugin's process: the call's link as the
 * daemon pins it, and a guard built from the plugin's own settings.
 */

const PORTAL: PortalInfo = { verdict: "portal", probeUrl: "http://probe.test/generate_204" };
const joined: JoinedNetwork = { ...network("Hotel"), interface: "wlan1", justJoined: true, autoJoined: true };
const linkDns: LookupFunction = (_h, _o, callback) => callback(null, "192.0.2.1", 4);

const plugin = {
  ...loaded({
    id: "hotel",
    displayName: "Hotel",
    version: "1.0.0",
    sdk: "^0.1.0",
    claims: [{ ssid: "Hotel", confidence: "high" }],
  }),
  credentials: { password: "room-1234-secret" },
  portalHosts: [{ host: "portal.hotel.test" }],
};

describe("the daemon's binding of a lent warm tab", () => {
  test("the call's link and the plugin's guard; refusals go to the plugin's log without the secret", async () => {
    const bindings: LeaseBinding[] = [];
    const pinned: { network: JoinedNetwork; signal: AbortSignal }[] = [];
    const warned: string[] = [];
    const leaseFor = warmLeases({
      warm: {
        acquireData: async (_signal, binding) => {
          bindings.push(binding);
          return undefined;
        },
      },
      transportFor: (n, signal) => {
        pinned.push({ network: n, signal });
        return { localAddress: "192.0.2.77", lookup: linkDns };
      },
      logger: () => ({ debug() {}, info() {}, error() {}, warn: (m: string) => warned.push(m) }),
    });
    const provider = leaseFor(plugin, { hook: "authenticate", network: joined, portal: PORTAL });
    assert.ok(provider);
    const signal = new AbortController().signal;
    assert.equal(await provider(signal), undefined);
    assert.equal(pinned[0]?.network, joined);
    assert.equal(pinned[0]?.signal, signal);
    const binding = bindings[0];
    assert.ok(binding);
    assert.equal(binding.localAddress, "192.0.2.77");
    assert.equal(binding.lookup, linkDns);
    const to = (url: string) =>
      binding.guard.check({ url: new URL(url), method: "POST", headers: {}, body: "p=room-1234-secret" });
    assert.equal(to("https://portal.hotel.test/login"), undefined, "the declared host over TLS");
    const refused = to("https://evil.test/collect");
    assert.ok(refused, "an undeclared host is refused");
    assert.ok(to("http://portal.hotel.test/login"), "plain HTTP is refused where not allowed");
    binding.onRefused(refused);
    assert.equal(warned.length, 1);
    assert.match(warned[0] ?? "", /^browser: blocked a request/);
    assert.ok(!warned[0]?.includes("room-1234-secret"));
  });

  test("no lease for filterScanList, which has no link", () => {
    const leaseFor = warmLeases({
      warm: { acquireData: async () => assert.fail("not asked") },
      logger: () => ({ debug() {}, info() {}, warn() {}, error() {} }),
    });
    assert.equal(leaseFor(plugin, { hook: "filterScanList", networks: [] }), undefined);
  });
});
