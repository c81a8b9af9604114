import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultUserConfig } from "../../../src/config/schema.ts";
import type { PluginCalls } from "../../../src/daemon/plugin-calls.ts";
import { type AuthenticateLearnt, DeviceSession, type SessionDeps } from "../../../src/daemon/session.ts";
import type { CaptivePortalApiInfo } from "../../../src/helper-api/context.ts";
import { loaded, network, PORTAL, quietObservers } from "./builders.ts";

const API: CaptivePortalApiInfo = {
  uri: "https://api.portal.test/captive",
  captive: false,
  secondsRemaining: 600,
};

function session(learnt: AuthenticateLearnt, seen: AuthenticateLearnt[]) {
  const calls: PluginCalls = {
    plugin: (id) => loaded(id),
    evaluate: async (candidates) => [...candidates],
    authenticate: async () => ({ result: { result: "success" }, ...learnt }),
    maintain: async () => ({ result: "success" }),
    logoff: async () => undefined,
  };
  const deps: SessionDeps = {
    config: { ...defaultUserConfig(), maintainIntervalSeconds: 300 },
    calls,
    detect: async () => PORTAL,
    verify: async (_n, _s, facts) => {
      seen.push(facts);
      return { online: true, portal: PORTAL };
    },
    claimsFor: () => [
      { pluginId: "cafe", displayName: "cafe", confidence: "high", priority: 0, origin: "static" },
    ],
    winners: new Map(),
    ...quietObservers(),
  };
  return new DeviceSession("wlan0", deps, { retries: 0, minTimeoutMs: 1000, maxTimeoutMs: 1000 });
}

test("what the authenticate call learnt reaches verification as data, not through a callback", async () => {
  const seen: AuthenticateLearnt[] = [];
  const s = session({ capport: API, checked: { verdict: "online", probeUrl: PORTAL.probeUrl } }, seen);
  await s.join(network());
  assert.equal(s.state, "Authenticated");
  assert.deepEqual(seen, [{ capport: API, checked: { verdict: "online", probeUrl: PORTAL.probeUrl } }]);
});

test("a call that learnt nothing hands verification nothing", async () => {
  const seen: AuthenticateLearnt[] = [];
  await session({}, seen).join(network());
  assert.deepEqual(seen, [{}]);
});
