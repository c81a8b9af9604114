import { configuredNetworkClaims, definePlugin, type WisprGatewayInfo, z } from "hotspot-helper/sdk";

/**
 * Logs in to WISPr 1.0 / 2.0 smart-client gateways (Boingo-style roaming hotspots, airport
 * and hotel gateways) with the user's account: the gateway's XML in the intercepted page
 * says where to post, and the WISPr client on the context does Proxy (110) notifications,
 * 201 polling and logoff. It is sure of itself (high) only when the page carries WISPr XML
 * and an account is configured for that location or realm. Credentials go only to the
 * hosts listed in `hosts`, and, for an account scoped to a `realm`, over TLS to hosts that
 * are the realm or under it (no list needed for an operator's TLS gateways): a gateway's
 * LoginURL elsewhere gets nothing, and the refusal says which setting would allow it.
 */

const host = z.object({ host: z.string().min(1), allowHttp: z.boolean().default(false) }).strict();

const config = z
  .object({
    /** SSIDs (text) to look at for WISPr gateways. */
    ssids: z.array(z.string().min(1).max(32)).default([]),
    /** Also look at every open network (the gateway's XML decides). */
    anyOpenNetwork: z.boolean().default(false),
    /** Hosts of the gateways' LoginURLs that may receive the account. */
    hosts: z.array(host).default([]),
  })
  .strict();

const account = z.object({ username: z.string().min(1), password: z.string().min(1) }).strict();
const scopedAccount = account
  .extend({
    /** The gateway's LocationName or AccessLocation (case-insensitive), e.g. `ACMEWISP,Gate_14_Terminal_C`. */
    location: z.string().min(1).optional(),
    /** An operator realm: matches the LoginURL's host suffix, `network=` of AccessLocation or LocationName's first part. */
    realm: z.string().min(1).optional(),
  })
  .strict();
/** One account for every WISPr gateway, or accounts scoped to locations or realms. */
const credentials = z.union([account, z.object({ accounts: z.array(scopedAccount).min(1) }).strict()]);
type Account = z.infer<typeof scopedAccount>;

const lower = (s: string | undefined) => (s ?? "").trim().toLowerCase();

/** Whether `a` is meant for the gateway that sent `g` (an account without scope fits every gateway). */
function fits(a: Account, g: WisprGatewayInfo): boolean {
  if (a.location === undefined && a.realm === undefined) return true;
  if (a.location !== undefined) {
    const want = lower(a.location);
    if (want === lower(g.locationName) || want === lower(g.accessLocation)) return true;
  }
  if (a.realm !== undefined) {
    const realm = lower(a.realm);
    const network = /(?:^|,)\s*network=([^,]+)/i.exec(g.accessLocation ?? "")?.[1];
    const operator = (g.locationName ?? "").split(",")[0];
    let loginHost = "";
    try {
      loginHost = g.loginUrl ? new URL(g.loginUrl).hostname.toLowerCase() : "";
    } catch {
      loginHost = "";
    }
    if (lower(network) === realm || lower(operator) === realm) return true;
    if (loginHost === realm || loginHost.endsWith(`.${realm}`)) return true;
  }
  return false;
}

function accountFor(creds: z.infer<typeof credentials> | undefined, g: WisprGatewayInfo | undefined) {
  if (!creds) return undefined;
  const all: Account[] = "accounts" in creds ? creds.accounts : [creds];
  // A Proxy notification (110) names no location yet: only an unscoped account can be chosen.
  if (g?.messageType !== 100) return all.find((a) => a.location === undefined && a.realm === undefined);
  return (
    all.find((a) => (a.location !== undefined || a.realm !== undefined) && fits(a, g)) ??
    all.find((a) => fits(a, g))
  );
}

export default definePlugin({
  id: "wispr",
  displayName: "WISPr",
  version: "1.0.0",
  sdk: "^0.1.0",
  priority: 5,
  description: "Logs in to WISPr 1.0/2.0 smart-client gateways with your account",
  configSchema: config,
  credentialsSchema: credentials,
  claims: configuredNetworkClaims,
  portalHosts: (c) => c.hosts,

  async evaluate({ portal, credentials: creds }) {
    if (portal.verdict !== "portal") return { confidence: "none", reason: "no portal intercepted" };
    if (!portal.wispr)
      return { confidence: "none", reason: portal.wisprError ?? "no WISPr XML in the portal page" };
    if (!accountFor(creds, portal.wispr)) {
      return {
        confidence: "none",
        reason: `no account for WISPr location ${portal.wispr.locationName ?? "(unnamed)"}`,
      };
    }
    return { confidence: "high" };
  },

  async authenticate({ portal, wispr, credentials: creds }) {
    if (!creds) return { result: "failure", reason: "no WISPr account configured" };
    const gateway = portal.wispr ?? (await wispr.discover());
    if (!gateway) return { result: "unsupportedNetwork", reason: "no WISPr gateway found" };
    const found = accountFor(creds, gateway);
    if (!found) return { result: "unsupportedNetwork", reason: "no account for this WISPr location" };
    const outcome = await wispr.login({
      username: found.username,
      password: found.password,
      gateway,
      ...(found.realm === undefined ? {} : { realm: found.realm }),
    });
    return outcome.result;
  },

  async logoff({ session, wispr }) {
    const url = session.facts.logoffUrl;
    if (!url) return { result: "failure", reason: "the gateway gave no LogoffURL" };
    const { ok, responseCode } = await wispr.logoff(url);
    return ok
      ? { result: "success" }
      : { result: "failure", reason: `logoff answered ${responseCode ?? "an error"}` };
  },
});
