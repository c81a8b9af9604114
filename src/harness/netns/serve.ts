import { terminalSafe } from "../../annotate/display.ts";
import type { CliIo } from "../../cli/io.ts";
import { getScenario } from "../catalog.ts";
import { formatRequestLog } from "../request-log.ts";
import { ADDRESSES } from "./names.ts";
import { GARDEN_TABLE } from "./nftables.ts";
import { startNamespaceWorld } from "./world.ts";

/**
 * `hotspot harness serve SCENARIO --netns`: builds the namespace world, takes a DHCP lease
 * in the client namespace (so it is ready for the daemon), prints how to reach everything,
 * streams the portal's requests, and tears it all down when `stop` resolves.
 */
export async function serveInNamespaces(
  opts: { readonly scenario: string; readonly latencyMs?: number },
  io: CliIo,
  stop: Promise<void>,
): Promise<number> {
  const scenario = getScenario(opts.scenario);
  const world = await startNamespaceWorld({
    scenario: opts.scenario,
    ...(opts.latencyMs === undefined ? {} : { latencyMs: opts.latencyMs }),
    onRequest: (e) => io.stdout.write(terminalSafe(formatRequestLog([e]), true)),
  });
  try {
    const lease = await world.dhcp();
    const { names } = world;
    const lines = [
      `serving ${opts.scenario} in network namespaces: ${scenario.description}`,
      `  access point  ${names.ap} (${names.apIface} ${ADDRESSES.ap}/${ADDRESSES.prefix}): dnsmasq, nftables table inet ${GARDEN_TABLE}, portal`,
      `  client        ${names.client} (${names.clientIface} ${lease.address}/${lease.prefix}, router ${lease.router ?? "-"})`,
      `  DHCP 114      ${lease.captivePortal ?? "(none: this scenario has no RFC 8908 API)"}`,
      `  portal        ${world.portal.url}${world.portal.httpsUrl ? `  ${world.portal.httpsUrl} (certificate ${world.caFile})` : ""}`,
      `  internet      ${world.internetUrl} (reachable only by clients the garden lets through)`,
      `  account       ${world.portal.credentials.username} / ${world.portal.credentials.password} (the scenario's test account)`,
      `  try           ip netns exec ${names.client} curl -si http://connectivitycheck.gstatic.com/generate_204`,
      `  garden        ip netns exec ${names.ap} nft list set inet ${GARDEN_TABLE} allowed`,
      "stop with Ctrl-C (everything is removed); requests:",
    ];
    io.stdout.write(`${terminalSafe(lines.join("\n"), true)}\n`);
    await stop;
    return 0;
  } finally {
    await world.close();
  }
}
