import { z } from "zod";
import { hotspotError } from "../../errors.ts";
import type { WisprGatewayInfo } from "../../helper-api/context.ts";
import { parseXml, WISPR_XML_LIMITS, type XmlElement } from "./xml.ts";

/**
 * WISPr messages: found inside the gateway's HTML (usually in a comment), read with the
 * safe XML reader, validated with zod. Message types and response codes as in the WISPr
 * 1.0 / 2.0 smart-client specification; sample pages in fixtures/protocols/.
 */

export const MESSAGE_TYPE = {
  redirect: 100,
  proxy: 110,
  authentication: 120,
  eapReply: 121,
  logoff: 130,
  authenticationPoll: 140,
  abortLogin: 150,
} as const;

export const RESPONSE_CODE = {
  noError: 0,
  eapMoreRounds: 10,
  loginSucceeded: 50,
  loginFailed: 100,
  radiusError: 102,
  networkAdminError: 105,
  logoffSucceeded: 150,
  loginAborted: 151,
  proxyDetection: 200,
  authenticationPending: 201,
  mtuTooBig: 253,
  protocolError: 254,
  gatewayInternalError: 255,
} as const;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const ROOT = "WISPAccessGatewayParam";
/** How far into a page we look for the XML: a gateway's page is small, a hostile one is not. */
const SEARCH_CHARS = 256 * 1024;

const int = z
  .string()
  .regex(/^\s*\d{1,6}\s*$/, "not a number")
  .transform((s) => Number(s));
const url = z.url();

/** The fields every WISPr message may carry, by element name. */
const messageSchema = z.object({
  MessageType: int,
  ResponseCode: int,
  AccessProcedure: z.string().optional(),
  AccessLocation: z.string().optional(),
  LocationName: z.string().optional(),
  LoginURL: url.optional(),
  AbortLoginURL: url.optional(),
  NextURL: url.optional(),
  Delay: int.optional(),
  ReplyMessage: z.string().optional(),
  LoginResultsURL: url.optional(),
  LogoffURL: url.optional(),
  VersionHigh: z.string().optional(),
  VersionLow: z.string().optional(),
});

/** Where the WISPr XML starts and ends in `page`, or undefined when there is none. */
function locate(page: string): { start: number; end: number; prolog: string } | undefined {
  const text = page.length > SEARCH_CHARS ? page.slice(0, SEARCH_CHARS) : page;
  const open = text.search(new RegExp(`<(?:\\w+:)?${ROOT}[\\s>/]`));
  if (open < 0) return undefined;
  const closeTag = new RegExp(`</(?:\\w+:)?${ROOT}\\s*>`, "g");
  closeTag.lastIndex = open;
  const close = closeTag.exec(text);
  const end = close ? close.index + close[0].length : text.length;
  // What precedes the element inside its comment: an XML declaration, or a DOCTYPE smuggling entities.
  const commentStart = text.lastIndexOf("<!--", open);
  const prolog =
    commentStart >= 0 && text.lastIndexOf("-->", open) < commentStart
      ? text.slice(commentStart + 4, open)
      : "";
  return { start: open, end, prolog };
}

/** Whether `page` contains a WISPr message at all (cheap; no parsing). */
export function hasWisprXml(page: string): boolean {
  return locate(page) !== undefined;
}

function fields(root: XmlElement): Record<string, string> {
  // Messages are one level deep under a message element (Redirect, Proxy, …); take every leaf.
  const out: Record<string, string> = {};
  const walk = (el: XmlElement): void => {
    if (el.children.length === 0) {
      if (!Object.hasOwn(out, el.name)) out[el.name] = el.text;
    } else for (const child of el.children) walk(child);
  };
  for (const child of root.children) walk(child);
  return out;
}

/** The message element's name (Redirect, Proxy, AuthenticationReply, …). */
function kindOf(root: XmlElement): string {
  return root.children.find((c) => c.children.length > 0)?.name ?? root.children[0]?.name ?? "";
}

/**
 * The WISPr message in `page`, or undefined when the page has none.
 * @throws HH_WISPR_INVALID when there is one but it is malformed, oversized or carries a DOCTYPE.
 */
export function readWisprMessage(page: string): WisprGatewayInfo | undefined {
  const found = locate(page);
  if (!found) return undefined;
  if (/<!(DOCTYPE|ENTITY)/i.test(found.prolog)) {
    throw hotspotError("HH_WISPR_INVALID", { reason: "document type declarations are not accepted" });
  }
  if (found.end - found.start > WISPR_XML_LIMITS.maxChars) {
    throw hotspotError("HH_WISPR_INVALID", {
      reason: `XML larger than ${WISPR_XML_LIMITS.maxChars} characters`,
    });
  }
  const root = parseXml(page.slice(found.start, found.end));
  const parsed = messageSchema.safeParse(fields(root));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw hotspotError("HH_WISPR_INVALID", {
      reason: `${issue?.path.join(".") || "(message)"}: ${issue?.message ?? "invalid"}`,
    });
  }
  const m = parsed.data;
  const info: Mutable<WisprGatewayInfo> = {
    message: kindOf(root),
    messageType: m.MessageType,
    responseCode: m.ResponseCode,
  };
  if (m.AccessProcedure !== undefined) info.accessProcedure = m.AccessProcedure;
  if (m.AccessLocation !== undefined) info.accessLocation = m.AccessLocation;
  if (m.LocationName !== undefined) info.locationName = m.LocationName;
  if (m.LoginURL !== undefined) info.loginUrl = m.LoginURL;
  if (m.AbortLoginURL !== undefined) info.abortLoginUrl = m.AbortLoginURL;
  if (m.NextURL !== undefined) info.nextUrl = m.NextURL;
  if (m.Delay !== undefined) info.delaySeconds = m.Delay;
  if (m.ReplyMessage !== undefined) info.replyMessage = m.ReplyMessage;
  if (m.LoginResultsURL !== undefined) info.loginResultsUrl = m.LoginResultsURL;
  if (m.LogoffURL !== undefined) info.logoffUrl = m.LogoffURL;
  if (m.VersionHigh !== undefined) info.versionHigh = m.VersionHigh.trim();
  if (m.VersionLow !== undefined) info.versionLow = m.VersionLow.trim();
  return Object.freeze(info);
}
