import fc from "fast-check";
import { CAPPORT_MEDIA_TYPE, parseCapportAnswer } from "../../src/auth/capport.ts";
import { MAX_LINKS, parseLinkHeader } from "../../src/auth/link-header.ts";
import { readWisprMessage } from "../../src/auth/wispr/messages.ts";
import { parseXml } from "../../src/auth/wispr/xml.ts";
import { type FuzzTarget, fail, flood, soup, target, webUrl } from "./target.ts";

const ROOT = "WISPAccessGatewayParam";

const XML_TOKENS = [
  `<${ROOT}>`,
  `</${ROOT}>`,
  `<wispr:${ROOT} xmlns:wispr="x">`,
  `<${ROOT} xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`,
  "<Redirect>",
  "</Redirect>",
  "<MessageType>100</MessageType>",
  "<ResponseCode>0</ResponseCode>",
  "<LoginURL>https://gw.example/login</LoginURL>",
  "<Delay>5</Delay>",
  "<ReplyMessage>",
  "</ReplyMessage>",
  "<![CDATA[",
  "]]>",
  "<!--",
  "-->",
  '<?xml version="1.0"?>',
  "<!DOCTYPE x [<!ENTITY a 'b'>]>",
  "&amp;",
  "&#x41;",
  "&#0;",
  "&#x110000;",
  "&lol;",
  "<a/>",
  "<",
  ">",
  "/",
  " ",
  "\n",
];

/** Escapes text for an XML element, sometimes as numeric references (the parser decodes both). */
function escapeXml(text: string, numeric: boolean): string {
  let out = "";
  for (const ch of text) {
    if (numeric) out += `&#x${(ch.codePointAt(0) ?? 0).toString(16)};`;
    else if (ch === "<") out += "&lt;";
    else if (ch === "&") out += "&amp;";
    else if (ch === ">") out += "&gt;";
    else out += ch;
  }
  return out;
}

/** Element text after parsing: XML has no way to write NUL, and the parser trims. */
const elementText = fc
  .string({ maxLength: 40, unit: "binary" })
  .filter((s) => !s.includes("\0") && s.trim() !== "");

const wisprFields = fc.record({
  messageType: fc.integer({ min: 0, max: 999_999 }),
  responseCode: fc.integer({ min: 0, max: 999_999 }),
  loginUrl: webUrl,
  replyMessage: elementText,
  locationName: elementText,
  numeric: fc.boolean(),
  inComment: fc.boolean(),
});

interface XmlTree {
  readonly name: string;
  readonly text: string;
  readonly children: readonly XmlTree[];
}

const xmlName = fc.stringMatching(/^[A-Za-z_][\w.-]{0,8}$/);
/** Trees up to 10 deep and 2 wide: some pass the parser's limits (8 deep, 256 elements). */
function xmlTreeOf(levels: number): fc.Arbitrary<XmlTree> {
  const text = fc.oneof(fc.constant(""), elementText);
  if (levels === 0) return fc.record({ name: xmlName, text, children: fc.constant([]) });
  return fc.record({ name: xmlName, text, children: fc.array(xmlTreeOf(levels - 1), { maxLength: 2 }) });
}
const xmlTree = xmlTreeOf(10);

function depth(t: XmlTree): number {
  return 1 + Math.max(0, ...t.children.map(depth));
}
function count(t: XmlTree): number {
  return 1 + t.children.reduce((n, c) => n + count(c), 0);
}
function serialize(t: XmlTree): string {
  return `<${t.name}>${escapeXml(t.text, false)}${t.children.map(serialize).join("")}</${t.name}>`;
}
function sameTree(a: XmlTree, b: { name: string; text: string; children: readonly XmlTree[] }): boolean {
  return (
    a.name === b.name &&
    a.text.trim() === b.text &&
    a.children.length === b.children.length &&
    a.children.every((c, i) => {
      const other = b.children[i];
      return other !== undefined && sameTree(c, other);
    })
  );
}

const CAPPORT_KEYS = [
  "captive",
  "user-portal-url",
  "venue-info-url",
  "can-extend-session",
  "seconds-remaining",
  "bytes-remaining",
];
const jsonValue = fc.oneof(
  fc.boolean(),
  fc.double(),
  fc.integer(),
  fc.string(),
  webUrl,
  fc.constantFrom("javascript:alert(1)", "http://portal.example/", "file:///etc/passwd", "https://"),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
);
const capportBody = fc.oneof(
  fc.string({ unit: "binary" }),
  fc
    .dictionary(fc.constantFrom(...CAPPORT_KEYS, "__proto__", "constructor", "x"), jsonValue)
    .map((o) => JSON.stringify(o)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
);

const LINK_TOKENS = [
  "<",
  ">",
  "<https://api.example/capport>",
  "</relative/path>",
  "<http://[bad>",
  "<javascript:alert(1)>",
  ";",
  ",",
  " ",
  "rel=",
  'rel="captive-portal"',
  "rel=captive-portal",
  'rel="next captive-portal"',
  'title="a, b; c"',
  '"',
  "\\",
  "title*=UTF-8''x",
  "=",
];
const relToken = fc.stringMatching(/^[a-z][a-z0-9.-]{0,10}$/);
const links = fc.array(
  fc.record({
    uri: webUrl,
    rel: fc.array(relToken, { minLength: 1, maxLength: 3 }),
    title: fc.string({ maxLength: 20 }),
  }),
  { maxLength: 8 },
);
const quote = (s: string): string => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;

export const protocolTargets: readonly FuzzTarget[] = [
  target({
    name: "wispr: message in a page",
    arbitrary: fc.oneof(soup(XML_TOKENS), fc.string({ maxLength: 200, unit: "binary" }), flood(XML_TOKENS)),
    allowed: ["HH_WISPR_INVALID"],
    check(page) {
      const msg = readWisprMessage(page);
      if (msg === undefined) return;
      if (!Object.isFrozen(msg)) fail("message not frozen");
      if (!Number.isInteger(msg.messageType) || !Number.isInteger(msg.responseCode)) fail("non-integer code");
      for (const u of [msg.loginUrl, msg.logoffUrl, msg.abortLoginUrl, msg.nextUrl, msg.loginResultsUrl]) {
        if (u !== undefined && !URL.canParse(u)) fail(`unparsable URL ${u}`);
      }
    },
  }),
  target({
    name: "wispr: fields round trip",
    arbitrary: wisprFields,
    allowed: [],
    check(f) {
      const body =
        `<${ROOT} xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Redirect>` +
        `<AccessProcedure>1.0</AccessProcedure><LocationName>${escapeXml(f.locationName, f.numeric)}</LocationName>` +
        `<LoginURL>${escapeXml(f.loginUrl, false)}</LoginURL><MessageType>${f.messageType}</MessageType>` +
        `<ResponseCode>${f.responseCode}</ResponseCode>` +
        `<ReplyMessage>${escapeXml(f.replyMessage, f.numeric)}</ReplyMessage></Redirect></${ROOT}>`;
      const page = f.inComment ? `<html><!--${body}--><body>x</body></html>` : body;
      const msg = readWisprMessage(page) ?? fail("message not found");
      if (msg.messageType !== f.messageType || msg.responseCode !== f.responseCode) fail("codes differ");
      if (msg.loginUrl !== f.loginUrl) fail(`login URL ${msg.loginUrl} != ${f.loginUrl}`);
      if (msg.replyMessage !== f.replyMessage.trim()) fail(`reply ${JSON.stringify(msg.replyMessage)}`);
      if (msg.locationName !== f.locationName.trim()) fail(`location ${JSON.stringify(msg.locationName)}`);
    },
  }),
  target({
    name: "wispr: XML tree round trip",
    arbitrary: xmlTree,
    allowed: ["HH_WISPR_INVALID"],
    check(tree) {
      const within = depth(tree) <= 8 && count(tree) <= 256;
      let parsed: ReturnType<typeof parseXml>;
      try {
        parsed = parseXml(serialize(tree));
      } catch (e) {
        if (within) throw e;
        return;
      }
      if (!within) fail("limits not enforced");
      if (!sameTree(tree, parsed)) fail("tree differs after parsing");
    },
  }),
  target({
    name: "capport: API answer",
    arbitrary: fc.record({ body: capportBody, allowHttp: fc.boolean(), json: fc.boolean() }),
    allowed: ["HH_CAPPORT_API_INVALID"],
    check({ body, allowHttp, json }) {
      const type = json ? "application/json; charset=utf-8" : CAPPORT_MEDIA_TYPE;
      const info = parseCapportAnswer("https://api.example/", 200, type, body, allowHttp);
      if (!Object.isFrozen(info)) fail("answer not frozen");
      if (typeof info.captive !== "boolean") fail("captive not boolean");
      const portal = info.userPortalUrl;
      if (portal !== undefined && !(portal.startsWith("https:") || (allowHttp && portal.startsWith("http:"))))
        fail(`user portal URL ${portal}`);
      const venue = info.venueInfoUrl;
      if (venue !== undefined && !/^https?:/i.test(venue)) fail(`venue URL ${venue}`);
      for (const n of [info.secondsRemaining, info.bytesRemaining]) {
        if (n !== undefined && !(Number.isFinite(n) && n >= 0)) fail(`bad number ${n}`);
      }
    },
  }),
  target({
    name: "capport: fields round trip",
    arbitrary: fc.record({
      captive: fc.boolean(),
      portal: webUrl.filter((u) => u.startsWith("https:")),
      seconds: fc.nat(),
      extend: fc.boolean(),
    }),
    allowed: [],
    check(a) {
      const body = JSON.stringify({
        captive: a.captive,
        "user-portal-url": a.portal,
        "seconds-remaining": a.seconds,
        "can-extend-session": a.extend,
      });
      const info = parseCapportAnswer("https://api.example/", 200, CAPPORT_MEDIA_TYPE, body);
      if (info.captive !== a.captive || info.userPortalUrl !== a.portal) fail("fields differ");
      if (info.secondsRemaining !== a.seconds || info.canExtendSession !== a.extend) fail("numbers differ");
    },
  }),
  target({
    name: "link header: any text",
    arbitrary: fc.oneof(soup(LINK_TOKENS, 60), fc.string({ unit: "binary" }), flood(LINK_TOKENS)),
    allowed: [],
    check(header) {
      const found = parseLinkHeader(header, "http://portal.example/start");
      if (found.length > MAX_LINKS) fail("too many links");
      for (const l of found) {
        if (!URL.canParse(l.uri) || new URL(l.uri).href !== l.uri) fail(`not absolute: ${l.uri}`);
        for (const r of l.rel) if (r !== r.toLowerCase() || /\s/.test(r) || r === "") fail(`bad rel ${r}`);
      }
    },
  }),
  target({
    name: "link header: links round trip",
    arbitrary: links,
    allowed: [],
    check(list) {
      const header = list
        .map((l) => `<${l.uri}>; title=${quote(l.title)}; rel=${quote(l.rel.join(" "))}`)
        .join(", ");
      const found = parseLinkHeader(header, "http://portal.example/");
      if (found.length !== list.length) fail(`read ${found.length} of ${list.length} links`);
      list.forEach((l, i) => {
        const got = found[i];
        if (got?.uri !== new URL(l.uri).href) fail(`uri ${got?.uri} != ${l.uri}`);
        if (got.rel.join(" ") !== l.rel.join(" ")) fail(`rel ${got.rel.join(" ")} != ${l.rel.join(" ")}`);
      });
    },
  }),
];
