import { terminalSafe } from "../annotate/index.ts";
import type { PortalInfo, PortalShape } from "../helper-api/context.ts";

/**
 * `hotspot probe`'s human output: what detection saw, in words a user can act on. It names
 * the shape of the intercept, the login page (and the pages passed on the way), the API,
 * and which kind of plugin could log in, so "portal" is never the end of the story.
 */

const SHAPES: Readonly<Record<PortalShape, string>> = {
  redirect: "redirect (the probe was answered with a 30x; plugins follow it from the login page below)",
  "status-511": "511 Network Authentication Required (RFC 6585)",
  "meta-refresh": "meta refresh (a 200 page that moves on with <meta http-equiv=refresh>)",
  "script-redirect": "script redirect (a 200 page whose inline script sets location)",
  "in-place": "login page served in place of the probe (200)",
};

/** What `hotspot probe` prints: the PortalInfo, plus where a redirect chain ends (followed for the reader only). */
export type ProbeReport = PortalInfo & {
  readonly followed?: {
    readonly chain: readonly string[];
    readonly finalUrl: string;
    readonly error?: string;
  };
};

function hostOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/** The shapes recognised, most specific first (a page may carry WISPr XML and be a redirect too). */
function shapesOf(info: PortalInfo): string[] {
  const out: string[] = [];
  if (info.decidedBy === "api" && info.api?.captive) out.push("RFC 8908 API (captive: true)");
  if (info.wispr) out.push(`WISPr XML (${info.wispr.message})`);
  if (info.shape) out.push(SHAPES[info.shape]);
  if (info.httpsProbe?.verdict === "portal" && info.httpsProbe.reason?.startsWith("certificate"))
    out.push("certificate failure on the HTTPS probe (the portal intercepts TLS)");
  return out;
}

/** What would log in here, in the project's terms (bundled plugin ids, or "a form plugin for host X"). */
function pluginNeed(info: ProbeReport): string {
  if (info.verdict === "online") return "nothing: the network is online";
  if (info.verdict === "unreachable") return "nothing yet: the probe must get through first";
  const api = info.api?.uri ?? info.apiUri;
  if (api !== undefined && info.apiError === undefined) {
    return `capport (the RFC 8908 API at ${api}), enabled for this network with its \`ssids\` or \`anyOpenNetwork\``;
  }
  if (info.wispr) {
    const host = hostOf(info.wispr.loginUrl);
    return `the wispr plugin with an account for this network${host ? ` (LoginURL host ${host})` : ""}`;
  }
  const host = hostOf(info.followed?.finalUrl ?? info.loginUrl);
  if (host === undefined) return "a browser: the portal named no login page a plugin could read";
  return `click-through if the page at ${host} only asks to accept terms; otherwise a form plugin that declares the host ${host}`;
}

export function describePortalInfo(info: ProbeReport): string {
  const lines = [`verdict: ${info.verdict}${info.decidedBy ? ` (decided by ${info.decidedBy})` : ""}`];
  lines.push(`probe: ${info.probeUrl}${info.status === undefined ? "" : ` answered ${info.status}`}`);
  const shapes = shapesOf(info);
  if (shapes.length > 0) lines.push(`recognised: ${shapes.join("; ")}`);
  if (info.loginUrl) lines.push(`login page: ${info.loginUrl}`);
  if (info.loginChain && info.loginChain.length > 1)
    lines.push(`  reached through: ${info.loginChain.join(" → ")}`);
  if (info.loginChainError) lines.push(`  stopped early: ${info.loginChainError}`);
  if (info.followed && info.followed.chain.length > 1) {
    lines.push(`  redirects on through: ${info.followed.chain.slice(1).join(" → ")}`);
  }
  if (info.followed?.error) lines.push(`  following it stopped: ${info.followed.error}`);
  if (info.cookies && info.cookies.length > 0) {
    lines.push(
      `  cookies kept for the plugin: ${info.cookies.map((c) => `${c.name} (${c.domain})`).join(", ")}`,
    );
  }
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
  const from =
    info.apiSource === "link-header"
      ? " (named by the Link header)"
      : info.apiSource === "dhcp"
        ? " (from DHCP)"
        : "";
  if (info.api) {
    const a = info.api;
    lines.push(`RFC 8908 API ${a.uri}${from}: captive=${a.captive}`);
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
    lines.push(`RFC 8908 API ${info.apiUri}${from}: not used${info.apiError ? `: ${info.apiError}` : ""}`);
  if (info.httpsProbe) {
    const h = info.httpsProbe;
    lines.push(`HTTPS probe ${h.url}: ${h.verdict}${h.reason ? ` (${h.reason})` : ""}`);
  }
  lines.push(`a plugin would need: ${pluginNeed(info)}`);
  return `${lines.map((l) => terminalSafe(l)).join("\n")}\n`;
}
