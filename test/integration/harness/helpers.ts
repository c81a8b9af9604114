import { createHttpClient } from "../../../src/auth/http-client.ts";
import type { Portal } from "../../../src/harness/index.ts";

export { withPortal } from "../../../src/harness/index.ts";

/** A clock tests move by hand. */
export function manualClock(start = 1_700_000_000_000) {
  let t = start;
  return {
    now: () => t,
    advance(seconds: number) {
      t += seconds * 1000;
    },
  };
}

/** A plain client (no credentials, so no guard) that trusts the portal's certificate when it has one. */
export function clientFor(portal: Portal) {
  return createHttpClient(portal.ca === undefined ? {} : { ca: portal.ca });
}

/** The XML a WISPr page carries in its HTML comment. */
export function wisprXml(body: string): string {
  const m = /<!--\s*(<\?xml[\s\S]*?)-->/.exec(body);
  if (!m?.[1]) throw new Error("no WISPr XML in the page");
  return m[1];
}

/** Text of `<name>` in WISPr XML (CDATA unwrapped, 1.0 entities decoded). */
export function wisprField(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  if (m?.[1] === undefined) return undefined;
  const cdata = /^<!\[CDATA\[([\s\S]*)\]\]>$/.exec(m[1]);
  return cdata?.[1] ?? m[1].replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");
}
