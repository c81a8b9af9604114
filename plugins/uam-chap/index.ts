import { configuredNetworkClaims, definePlugin, z } from "hotspot-helper/sdk";

/**
 * Logs in to CoovaChilli / ChilliSpot hotspots (UAM): the gateway's redirect carries
 * `uamip`, `uamport` and a `challenge`; the plugin answers with a CHAP response, so the
 * password itself never crosses the network, only the username does. Chilli's UAM port is
 * plain HTTP on the gateway's address: list that address in `hosts` with `allowHttp` for
 * the username to be sent there.
 */
const host = z.object({ host: z.string().min(1), allowHttp: z.boolean().default(false) }).strict();

const config = z
  .object({
    ssids: z.array(z.string().min(1).max(32)).default([]),
    anyOpenNetwork: z.boolean().default(false),
    /** The gateway's UAM address (uamip), e.g. CoovaChilli's default 192.168.182.1. */
    hosts: z.array(host).default([]),
    /**
     * The operator's UAM secret, when its gateway uses one. An operator setting shared by
     * every user of the hotspot (it sits in their UAM server's config), not a personal secret.
     */
    uamSecret: z.string().min(1).optional(),
  })
  .strict();

const credentials = z
  .object({
    username: z.string().min(1),
    password: z.string().min(1),
  })
  .strict();

export default definePlugin({
  id: "uam-chap",
  displayName: "Chilli UAM",
  version: "1.0.0",
  sdk: "^0.1.0",
  description: "Logs in to CoovaChilli/ChilliSpot (UAM) hotspots with a CHAP response",
  configSchema: config,
  credentialsSchema: credentials,
  claims: configuredNetworkClaims,
  portalHosts: (c) => c.hosts,

  async evaluate({ portal, uam, credentials: creds }) {
    if (portal.verdict !== "portal") return { confidence: "none", reason: "no portal intercepted" };
    const params = uam.params();
    if (!params) return { confidence: "none", reason: "the login URL carries no UAM parameters" };
    if (!creds) return { confidence: "none", reason: "no account configured" };
    return { confidence: "high" };
  },

  async authenticate({ uam, credentials: creds, config: c }) {
    if (!creds) return { result: "failure", reason: "no account configured" };
    const outcome = await uam.login({
      username: creds.username,
      password: creds.password,
      ...(c.uamSecret === undefined ? {} : { uamSecret: c.uamSecret }),
    });
    return outcome.result;
  },

  async logoff({ session, http }) {
    const url = session.facts.logoffUrl;
    if (!url) return { result: "failure", reason: "no logoff URL known" };
    const reply = await http.get(url);
    return reply.status < 400
      ? { result: "success" }
      : { result: "failure", reason: `logoff answered ${reply.status}` };
  },
});
