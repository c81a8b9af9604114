import { html, page } from "../html.ts";
import type { PortalResponse } from "../types.ts";

/**
 * WISPr gateway messages as gateways send them: an XML document inside an HTML comment
 * (so browsers show the page and smart clients find the XML). Element names and codes are
 * from the WISPr 1.0 recommendation (Wi-Fi Alliance, Appendix D) and WISPr 2.0.
 */

export type WisprVersion = "1.0" | "2.0";

/** MessageType values. */
export const MESSAGE = {
  redirect: 100,
  proxy: 110,
  authNotification: 120,
  logoffNotification: 130,
  authPollReply: 140,
  abortLoginReply: 150,
} as const;

/** ResponseCode values. */
export const RESPONSE = {
  noError: 0,
  loginSucceeded: 50,
  loginFailed: 100,
  radiusError: 102,
  logoffSucceeded: 150,
  loginAborted: 151,
  proxyDetection: 200,
  authPending: 201,
  gatewayError: 255,
} as const;

type Fields = readonly (readonly [string, string | number | undefined])[];

/**
 * An element with child elements. WISPr 2.0 gateways wrap text values in CDATA (URLs with
 * `&` are then legal without escaping); 1.0 gateways escape them.
 */
export function element(name: string, fields: Fields, version: WisprVersion): string {
  const children = fields
    .filter((f): f is readonly [string, string | number] => f[1] !== undefined)
    .map(([k, v]) => {
      const text = String(v);
      const value =
        version === "2.0" && typeof v === "string"
          ? `<![CDATA[${text.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`
          : escapeXml(text);
      return `<${k}>${value}</${k}>`;
    })
    .join("\n");
  return `<${name}>\n${children}\n</${name}>`;
}

function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

const SCHEMA: Record<WisprVersion, string> = {
  "1.0": "http://www.acmewisp.com/WISPAccessGatewayParam.xsd",
  "2.0": "http://www.wballiance.net/wispr_2_0.xsd",
};

/** The whole XML document, optionally with a DOCTYPE (the hostile scenario's entity bomb). */
export function wisprDocument(inner: string, version: WisprVersion, doctype = ""): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
${doctype}<WISPAccessGatewayParam xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="${SCHEMA[version]}">
${inner}
</WISPAccessGatewayParam>`;
}

/**
 * An HTML page carrying the XML in a comment. `--` may not appear inside an HTML comment;
 * WISPr values never contain it, and we refuse to build a page where it would.
 */
export function wisprPage(title: string, visible: string, xml: string, status = 200): PortalResponse {
  if (xml.includes("--")) throw new Error("WISPr XML must not contain '--' (it would end the HTML comment)");
  const body = page(title, `<!--\n${xml}\n-->\n${visible}`);
  return html(status, body);
}
