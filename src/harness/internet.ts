import { html, page } from "./html.ts";
import type { PortalRequest, PortalResponse } from "./types.ts";

/**
 * What "the internet" answers a client the garden lets through. No traffic ever leaves the
 * machine: the well-known connectivity checks get their real answers and every other
 * request a small page, which is all a probe or a plugin's verification looks at.
 */

export const APPLE_SUCCESS = "<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>";

export function internetAnswer(req: PortalRequest): PortalResponse {
  switch (req.path) {
    case "/generate_204":
    case "/gen_204":
      return { status: 204 };
    case "/hotspot-detect.html":
    case "/library/test/success.html":
      return { status: 200, headers: { "content-type": "text/html" }, body: APPLE_SUCCESS };
    case "/nm":
      return {
        status: 200,
        headers: { "content-type": "text/plain", "x-networkmanager-status": "online" },
        body: "NetworkManager is online\n",
      };
    case "/check_network_status.txt":
      return { status: 200, headers: { "content-type": "text/plain" }, body: "NetworkManager is online\n" };
    case "/connecttest.txt":
      return { status: 200, headers: { "content-type": "text/plain" }, body: "Microsoft Connect Test" };
    case "/ncsi.txt":
      return { status: 200, headers: { "content-type": "text/plain" }, body: "Microsoft NCSI" };
    default:
      return html(
        200,
        page("Example Domain", "  <h1>Example Domain</h1>\n  <p>You reached the (simulated) internet.</p>"),
      );
  }
}
