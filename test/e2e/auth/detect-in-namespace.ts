import { readFileSync } from "node:fs";
import { detectPortal } from "../../../src/auth/detect.ts";
import { linkTransport } from "../../../src/auth/link.ts";

/**
 * Run inside the client namespace by link-pinned.test.ts (`ip netns exec`): detection as
 * the daemon does it, pinned to the link (`link`) or through the system resolver
 * (`system`). Prints the PortalInfo as JSON.
 */
const [mode, probeUrl, address, dns, apiUri, caFile] = process.argv.slice(2);
const link =
  mode === "link" ? linkTransport({ ipv4: address ?? "", dns: (dns ?? "").split(",").filter(Boolean) }) : {};
const info = await detectPortal(probeUrl ?? "", {
  ...link,
  timeoutMs: 4_000,
  ...(apiUri ? { apiUri } : {}),
  ...(caFile ? { ca: readFileSync(caFile, "utf8") } : {}),
});
console.log(JSON.stringify({ bound: link.localAddress ?? null, linkDns: link.lookup !== undefined, info }));
