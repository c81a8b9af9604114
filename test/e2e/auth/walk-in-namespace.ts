import { joinInNamespace } from "./daemon-in-namespace.ts";

/**
 * Run inside the client namespace by walk-netns.test.ts (`ip netns exec`): the real daemon
 * with only the click-through plugin, joining "Library Guest" of the demo scan; names
 * resolve through the namespace's resolver (the access point's dnsmasq). Prints the final
 * state and the state changes as JSON.
 */
await joinInNamespace(
  {
    "click-through": { config: { ssids: ["Library Guest"] } },
    "example-cafe": { enabled: false },
    wispr: { enabled: false },
    capport: { enabled: false },
    "uam-chap": { enabled: false },
  },
  "02:11:b0:00:00:01",
);
