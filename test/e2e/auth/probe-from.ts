import { probe } from "../../../src/auth/probe.ts";

/**
 * Run inside the client namespace by link-route.test.ts (`ip netns exec`): one probe of
 * `url`, bound to `localAddress` when given (as the daemon's link-pinned probe is), so the
 * namespace's own routing decides where it goes. Prints the PortalInfo as JSON.
 */
const [url, localAddress] = process.argv.slice(2);
const info = await probe(url ?? "", {
  timeoutMs: 3_000,
  connectTimeoutMs: 2_000,
  ...(localAddress ? { localAddress } : {}),
});
console.log(JSON.stringify(info));
