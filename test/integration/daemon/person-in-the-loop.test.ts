import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { userConfigSchema } from "../../../src/config/schema.ts";
import { Daemon } from "../../../src/daemon/daemon.ts";
import type { StateChange } from "../../../src/daemon/events.ts";
import type { LogEntry } from "../../../src/daemon/log.ts";
import { type Portal, startPortal } from "../../../src/harness/index.ts";
import { loadRegistry } from "../../../src/helper-api/loader.ts";
import { FixtureScanSource } from "../../../src/scan/fixture-source.ts";

/**
 * A plugin that needs a person answers uiRequired; the daemon publishes the page and the
 * provider's name, waits in PresentingUI, and once the person has accepted the terms on the
 * real harness portal (plain HTTP requests, as a browser would send them) it notices the
 * network is open and takes the session over: Authenticated, then the plugin's maintain.
 */

const PLUGIN = fileURLToPath(new URL("../../fixtures/daemon-plugins/needs-person", import.meta.url));
const SCANS = fileURLToPath(new URL("../../../fixtures/scans/demo.json", import.meta.url));

/** The fixture source plus what NetworkManager has: a connectivity-changed notification. */
class ConnectivitySource extends FixtureScanSource {
  readonly #listeners = new Set<() => void>();
  onConnectivity(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  connectivityChanged(): void {
    for (const l of this.#listeners) l();
  }
}

describe("a person in the loop", () => {
  let portal: Portal | undefined;
  let daemon: Daemon | undefined;
  after(async () => {
    await daemon?.stop();
    await portal?.close();
  });

  test("the daemon publishes uiRequired, the person logs in, the daemon takes over maintain", async () => {
    portal = await startPortal({ scenario: "click-through" });
    const loginUrl = `${portal.url}/terms`;
    const config = userConfigSchema.parse({
      probeUrl: portal.probeUrl,
      maintainIntervalSeconds: 60,
      plugins: { "needs-person": { config: { loginUrl } }, "click-through": { enabled: false } },
    });
    const registry = await loadRegistry({ pluginDirs: [PLUGIN], config, strict: true });
    const source = new ConnectivitySource(SCANS);
    const logs: LogEntry[] = [];
    daemon = new Daemon({ source, registry, config, log: (e) => logs.push(e), verifyAttempts: 1 });
    const states: StateChange[] = [];
    daemon.on("state", (c) => states.push(c));
    const asked = new Promise<[string, string, string, string]>((resolve) =>
      daemon?.on("uiRequired", (...args) => resolve(args)),
    );
    await daemon.start();
    source.join("02:ca:fe:00:00:01");

    assert.deepEqual(await asked, ["wlan0", "needs-person", loginUrl, "Pay-as-you-go Café"]);
    await daemon.session("wlan0")?.idle();
    assert.equal(daemon.session("wlan0")?.state, "PresentingUI");
    assert.equal(daemon.listSessions()[0]?.uiUrl, loginUrl);
    const line = logs.find((l) => l.fields?.event === "uiRequired");
    assert.ok(line, "the request is in the log");
    assert.match(line.message, /Pay-as-you-go Café at http:\/\/127\.0\.0\.1:\d+\/terms/);
    assert.equal(portal.authorized(), false);

    // The person: the terms page, then the accept button.
    const page = await fetch(loginUrl);
    assert.match(await page.text(), /accept the/);
    const accepted = await fetch(`${portal.url}/terms/accept`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "accept_terms=on",
      redirect: "manual",
    });
    assert.equal(accepted.status, 302);
    assert.equal(portal.authorized(), true);

    // NetworkManager's own probe sees the change first; the daemon re-probes at once.
    const authenticated = new Promise<StateChange>((resolve) =>
      daemon?.on("state", (c) => c.to === "Authenticated" && resolve(c)),
    );
    source.connectivityChanged();
    const took = await authenticated;
    assert.equal(took.pluginId, "needs-person");
    assert.match(took.reason, /person logged in/);
    assert.deepEqual(
      states.map((s) => s.to),
      ["Evaluating", "Authenticating", "PresentingUI", "Authenticated"],
    );
    const session = daemon.listSessions()[0];
    assert.equal(session?.provider, "Pay-as-you-go Café");
    assert.equal(session?.uiUrl, undefined);
    assert.ok(session?.nextMaintainAt !== undefined, "maintain is scheduled");
  });
});
