import { joinInNamespace } from "./daemon-in-namespace.ts";

/**
 * Run inside the client namespace by js-only-netns.test.ts (`ip netns exec`): the real
 * daemon with only the bundled example-js-portal plugin, joining "Cafe Free WiFi" of the
 * demo scan; the plugin's headless Chromium runs here too, so its traffic (through our
 * proxy) crosses the namespace's link and resolves through the access point's dnsmasq.
 * argv[2] is the portal's host; the account comes in HOTSPOT_TEST_ACCOUNT (JSON), not argv.
 * Prints the final state and the state changes as JSON.
 */
const account: unknown = JSON.parse(process.env.HOTSPOT_TEST_ACCOUNT ?? "null");
await joinInNamespace(
  {
    "example-js-portal": {
      config: { ssid: "Cafe Free WiFi", portalHost: process.argv[2], allowHttp: true },
      credentials: account,
    },
    "click-through": { enabled: false },
    "example-cafe": { enabled: false },
    wispr: { enabled: false },
    capport: { enabled: false },
    "uam-chap": { enabled: false },
  },
  "02:ca:fe:00:00:01",
);
