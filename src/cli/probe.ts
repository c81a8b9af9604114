import { readFile } from "node:fs/promises";
import { type DetectOptions, detectPortal } from "../auth/detect.ts";
import { followLoginChain } from "../auth/login-chain.ts";
import { DEFAULT_PROBE_TIMEOUT_MS } from "../auth/probe.ts";
import { loadUserConfig } from "../config/load.ts";
import { hotspotError } from "../errors.ts";
import type { PortalInfo } from "../helper-api/context.ts";
import { errnoCode, fsReason } from "../scan/scan-file.ts";
import { booleanOption, type ParsedArgs, stringOption } from "./args.ts";
import type { Command, OptionSpec } from "./command.ts";
import type { CliIo } from "./io.ts";
import { describePortalInfo, type ProbeReport } from "./portal-text.ts";

export { describePortalInfo };

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
  "https-url": {
    type: "string",
    valueName: "URL",
    description:
      "Also probe this https:// URL (default: the config's httpsProbeUrl); a certificate that fails is reported as the portal intercepting TLS.",
  },
  "test-network": {
    type: "boolean",
    description: "This is a test network: accept a plain-HTTP RFC 8908 API. Never use it on a real network.",
  },
};

/** Detection options from the shared flags. */
export async function detectionOptions(
  args: ParsedArgs,
  config: { readonly userAgent?: string | undefined; readonly httpsProbeUrl?: string | undefined } = {},
): Promise<DetectOptions> {
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
  const httpsUrl = stringOption(args, "https-url") ?? config.httpsProbeUrl;
  if (httpsUrl !== undefined && !/^https:\/\//i.test(httpsUrl)) {
    throw hotspotError("HH_USAGE", { message: `--https-url: not an https:// URL: ${httpsUrl}` });
  }
  return {
    ...(api === undefined ? {} : { apiUri: api }),
    ...(ca === undefined ? {} : { ca }),
    ...(booleanOption(args, "test-network") ? { allowHttpApi: true } : {}),
    ...(config.userAgent === undefined ? {} : { userAgent: config.userAgent }),
    ...(httpsUrl === undefined ? {} : { httpsProbeUrl: httpsUrl }),
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

/**
 * For a redirect, where the chain ends. Detection leaves 30x chains to the plugin's client
 * (walking them there would cost every redirect portal a round trip), but a person reading
 * `probe` wants the page and host that really ask for the login.
 */
async function withRedirectsFollowed(info: PortalInfo, opts: DetectOptions): Promise<ProbeReport> {
  if (info.verdict !== "portal" || info.shape !== "redirect" || info.loginUrl === undefined) return info;
  const walk = await followLoginChain(info.loginUrl, {
    timeoutMs: opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
    ...(opts.ca === undefined ? {} : { ca: opts.ca }),
    ...(opts.userAgent === undefined ? {} : { userAgent: opts.userAgent }),
    ...(info.cookies === undefined ? {} : { cookies: info.cookies }),
  });
  return {
    ...info,
    followed: {
      chain: walk.chain,
      finalUrl: walk.loginUrl,
      ...(walk.error === undefined ? {} : { error: walk.error }),
    },
  };
}

export const command: Command = {
  usage:
    "hotspot probe [--url URL] [--https-url URL] [--api URI] [--ca FILE] [--test-network] [--config FILE] [--json]",
  description:
    "Runs captive-portal detection once and prints what it found: the verdict (online, portal or " +
    "unreachable), the shape of the intercept (redirect, 511, meta refresh, script redirect, WISPr XML, RFC 8908 " +
    "API, certificate failure), the login page and the pages passed on the way, what kind of plugin could log in, WISPr gateway parameters from the intercepted page, and the RFC 8908 " +
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
    const detection = await detectionOptions(args, config);
    const info = await detectPortal(url, detection);
    const report = await withRedirectsFollowed(info, detection);
    io.stdout.write(
      args.common.format === "json"
        ? `${JSON.stringify(portalJson(report), null, 2)}\n`
        : describePortalInfo(report),
    );
    return info.verdict === "online" ? 0 : info.verdict === "portal" ? 1 : 4;
  },
};
