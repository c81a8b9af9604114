import { readFile } from "node:fs/promises";
import { terminalSafe } from "../annotate/index.ts";
import { type DetectOptions, detectPortal } from "../auth/detect.ts";
import { loadUserConfig } from "../config/load.ts";
import { hotspotError } from "../errors.ts";
import type { PortalInfo } from "../helper-api/context.ts";
import { errnoCode, fsReason } from "../scan/scan-file.ts";
import { booleanOption, type ParsedArgs, stringOption } from "./args.ts";
import type { Command, OptionSpec } from "./command.ts";
import type { CliIo } from "./io.ts";

/** Options `probe` and `auth` share: where to probe and how to trust the portal. */
export const DETECTION_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  api: {
    type: "string",
    valueName: "URI",
    description:
      "The network's RFC 8908 API URI (what DHCP option 114 carries), queried alongside the probe.",
  },
  ca: {
    type: "string",
    valueName: "FILE",
    description: "Also trust the PEM certificate(s) in FILE (a test portal's self-signed one).",
  },
  "test-network": {
    type: "boolean",
    description: "This is a test network: accept a plain-HTTP RFC 8908 API. Never use it on a real network.",
  },
};

/** Detection options from the shared flags. */
export async function detectionOptions(args: ParsedArgs, userAgent?: string): Promise<DetectOptions> {
  const caFile = stringOption(args, "ca");
  let ca: string | undefined;
  if (caFile !== undefined) {
    try {
      ca = await readFile(caFile, "utf8");
    } catch (e) {
      throw hotspotError(
        "HH_FILE_UNREADABLE",
        { file: caFile, reason: fsReason(e) },
        { cause: errnoCode(e) ? e : undefined },
      );
    }
  }
  const api = stringOption(args, "api");
  return {
    ...(api === undefined ? {} : { apiUri: api }),
    ...(ca === undefined ? {} : { ca }),
    ...(booleanOption(args, "test-network") ? { allowHttpApi: true } : {}),
    ...(userAgent === undefined ? {} : { userAgent }),
  };
}

/** The probe URL: `--url`/`--probe-url`, else the config's. */
export async function probeUrlFrom(args: ParsedArgs, io: CliIo, flag: string): Promise<string> {
  const given = stringOption(args, flag);
  if (given !== undefined) {
    try {
      new URL(given);
    } catch {
      throw hotspotError("HH_USAGE", { message: `--${flag}: not a URL: ${given}` });
    }
    return given;
  }
  return (await loadUserConfig(args.common.configPath, io.env)).probeUrl;
}

/** PortalInfo as the JSON scripts read: `verdict`, `loginUrl`, WISPr parameters, API data. */
export function portalJson(info: PortalInfo): Record<string, unknown> {
  return { ...info };
}

/** Human-readable lines for a PortalInfo. */
export function describePortalInfo(info: PortalInfo): string {
  const lines = [`verdict: ${info.verdict}${info.decidedBy ? ` (decided by ${info.decidedBy})` : ""}`];
  lines.push(`probe: ${info.probeUrl}${info.status === undefined ? "" : ` answered ${info.status}`}`);
  if (info.loginUrl) lines.push(`login page: ${info.loginUrl}`);
  if (info.reason) lines.push(`reason: ${info.reason}`);
  if (info.wispr) {
    const w = info.wispr;
    lines.push(
      `WISPr: ${w.message} ${w.messageType}/${w.responseCode}${w.versionHigh ? ` (version ${w.versionLow ?? "?"}-${w.versionHigh})` : ""}`,
    );
    for (const [k, v] of Object.entries({
      location: w.locationName,
      accessLocation: w.accessLocation,
      loginUrl: w.loginUrl,
      nextUrl: w.nextUrl,
    })) {
      if (v !== undefined) lines.push(`  ${k}: ${v}`);
    }
  }
  if (info.wisprError) lines.push(`WISPr XML refused: ${info.wisprError}`);
  if (info.api) {
    const a = info.api;
    lines.push(`RFC 8908 API ${a.uri}: captive=${a.captive}`);
    for (const [k, v] of Object.entries({
      "user-portal-url": a.userPortalUrl,
      "venue-info-url": a.venueInfoUrl,
      "seconds-remaining": a.secondsRemaining,
      "bytes-remaining": a.bytesRemaining,
      "can-extend-session": a.canExtendSession,
    })) {
      if (v !== undefined) lines.push(`  ${k}: ${v}`);
    }
  } else if (info.apiUri)
    lines.push(`RFC 8908 API ${info.apiUri}: not used${info.apiError ? `: ${info.apiError}` : ""}`);
  return `${lines.map((l) => terminalSafe(l)).join("\n")}\n`;
}

export const command: Command = {
  usage: "hotspot probe [--url URL] [--api URI] [--ca FILE] [--test-network] [--config FILE] [--json]",
  description:
    "Runs captive-portal detection once and prints what it found: the verdict (online, portal or " +
    "unreachable), the login page, WISPr gateway parameters from the intercepted page, and the RFC 8908 " +
    "API's answer when --api names one. Probes --url, else the config's probeUrl. Exits 0 when online, 1 " +
    "when a portal holds the network, 4 when the probe could not get through.",
  options: {
    url: { type: "string", valueName: "URL", description: "Probe this URL (expects 204 when online)." },
    ...DETECTION_OPTIONS,
  },
  common: ["config", "json"],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const config = await loadUserConfig(args.common.configPath, io.env);
    const url =
      stringOption(args, "url") === undefined ? config.probeUrl : await probeUrlFrom(args, io, "url");
    const info = await detectPortal(url, await detectionOptions(args, config.userAgent));
    io.stdout.write(
      args.common.format === "json"
        ? `${JSON.stringify(portalJson(info), null, 2)}\n`
        : describePortalInfo(info),
    );
    return info.verdict === "online" ? 0 : info.verdict === "portal" ? 1 : 4;
  },
};
