import { escapeText, terminalSafe } from "../annotate/index.ts";
import { detectPortal } from "../auth/detect.ts";
import { verifyOnline } from "../auth/verify.ts";
import type { HttpLogEntry } from "../daemon/log.ts";
import { hotspotError } from "../errors.ts";
import type { JoinedNetwork } from "../helper-api/network.ts";
import { scannedNetwork } from "../helper-api/network.ts";
import type { ClaimMatch, LoadedPlugin } from "../helper-api/registry-types.ts";
import type { AuthenticateResult } from "../helper-api/results.ts";
import { ssidBytesFromInput } from "../helper-api/ssid.ts";
import type { PluginLogEntry } from "../plugin-host/logger.ts";
import { redactValue, secretStrings } from "../util/redact.ts";
import { type ParsedArgs, stringOption, usageError } from "./args.ts";
import type { Command } from "./command.ts";
import type { CliIo } from "./io.ts";
import { DETECTION_OPTIONS, describePortalInfo, detectionOptions, probeUrlFrom } from "./probe.ts";
import { loadCliPlugins } from "./registry.ts";

/** The network `auth` pretends to have joined: the SSID given, else the plugin's first exact SSID claim. */
function networkFor(
  plugin: LoadedPlugin,
  ssid: string | undefined,
  apiUri: string | undefined,
): JoinedNetwork {
  const exact = plugin.claims.find((c) => "ssid" in c);
  const bytes =
    ssid !== undefined
      ? new TextEncoder().encode(ssid)
      : exact && "ssid" in exact
        ? ssidBytesFromInput(exact.ssid)
        : new TextEncoder().encode("hotspot");
  if (bytes.length > 32) throw hotspotError("HH_SSID_INVALID", { reason: "longer than 32 bytes" });
  return Object.freeze({
    ...scannedNetwork({
      ssid: bytes,
      bssid: "02:00:00:00:00:01",
      strength: 100,
      frequency: 2437,
      security: "open",
    }),
    interface: "cli",
    justJoined: true,
    autoJoined: false,
    ...(apiUri === undefined ? {} : { captivePortalUri: apiUri }),
  });
}

export const command: Command = {
  usage:
    "hotspot auth --plugin ID [--probe-url URL] [--ssid SSID] [--api URI] [--ca FILE] [--test-network] [--plugins DIR]... [--config FILE] [--json]",
  description:
    "Runs one login with one plugin, as the daemon would after a join, forcing that plugin even where it " +
    "is not enabled for the SSID: detection, evaluate, authenticate, then verification by probing again " +
    "(and re-querying the RFC 8908 API). Prints each step and the plugin's requests (secrets scrubbed). " +
    "Credentials come from the credential store or the config. Exits 0 only when verified online.",
  options: {
    plugin: { type: "string", valueName: "ID", description: "The plugin to log in with." },
    "probe-url": { type: "string", valueName: "URL", description: "Probe this URL instead of the config's." },
    ssid: {
      type: "string",
      valueName: "SSID",
      description: "The SSID the plugin sees (default: its first claimed SSID).",
    },
    ...DETECTION_OPTIONS,
  },
  common: ["plugins", "no-bundled", "config", "json"],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const id = stringOption(args, "plugin");
    if (id === undefined) throw usageError("auth", command, "--plugin ID is required");
    const url = await probeUrlFrom(args, io, "probe-url");
    const linkOptions = await detectionOptions(args);
    const requests: HttpLogEntry[] = [];
    const logs: PluginLogEntry[] = [];
    const { config, registry, host } = await loadCliPlugins(args.common, io, false, {
      log: (e) => void logs.push(e),
      onHttp: (e) => void requests.push(e),
      ca: linkOptions.ca,
      testNetwork: linkOptions.allowHttpApi === true,
    });
    const plugin = registry.get(id);
    if (!plugin) {
      const skipped = registry.problems.find((p) => p.params.plugin === id);
      throw skipped ?? hotspotError("HH_PLUGIN_NOT_FOUND", { plugin: id });
    }
    // Read again with the config: its userAgent and httpsProbeUrl apply to detection.
    const detection = await detectionOptions(args, config);
    const network = networkFor(plugin, stringOption(args, "ssid"), detection.apiUri);
    const secrets = secretStrings(plugin.credentials);
    const signal = new AbortController().signal;
    const portal = await detectPortal(url, detection);
    const candidate: ClaimMatch = {
      pluginId: plugin.id,
      displayName: plugin.displayName,
      confidence: "low",
      priority: plugin.priority,
      origin: "static",
    };
    const { ranked } = await host.evaluate([candidate], network, portal, { registry, signal });
    const confidence = ranked.find((m) => m.pluginId === plugin.id)?.confidence ?? "none";
    let result: AuthenticateResult | undefined;
    let verified: Awaited<ReturnType<typeof verifyOnline>> | undefined;
    if (portal.verdict !== "online") {
      result = (await host.authenticate(plugin, network, portal, signal)).result;
      if (result.result === "success")
        verified = await verifyOnline(url, { ...detection, attempts: 3, delayMs: 250 });
    } else {
      verified = { online: true, portal, attempts: 0 };
    }
    const online = verified?.online === true;
    const out = {
      plugin: plugin.id,
      ssid: network.ssidText,
      portal,
      evaluate: confidence,
      result,
      verified: online,
      after: verified?.portal,
      requests,
      log: logs,
    };
    const safe = redactValue(out, secrets);
    if (args.common.format === "json") io.stdout.write(`${JSON.stringify(safe, null, 2)}\n`);
    else {
      const lines = [
        `plugin: ${escapeText(plugin.id)} on "${escapeText(network.ssidText)}"`,
        describePortalInfo(portal).trimEnd(),
        `evaluate: ${confidence}`,
        `authenticate: ${safe.result === undefined ? "(skipped: already online)" : `${safe.result.result}${"reason" in safe.result && safe.result.reason ? `: ${safe.result.reason}` : ""}${safe.result.result === "uiRequired" ? ` (${safe.result.url})` : ""}`}`,
        `verified: ${online ? "online" : `not online${verified ? ` (${verified.portal.verdict})` : ""}`}`,
        "requests:",
        ...safe.requests.map(
          (r) =>
            `  ${r.method} ${r.status ?? "---"} ${r.url} (${Math.round(r.ms)} ms)${r.error ? ` ${r.error}` : ""}`,
        ),
      ];
      io.stdout.write(`${lines.map((l) => terminalSafe(l, true)).join("\n")}\n`);
    }
    return online ? 0 : 1;
  },
};
