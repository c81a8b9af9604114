import type { IncomingMessage } from "node:http";
import type { PortalCredentials, PortalRequest, ReceivedCredential } from "./types.ts";

/** Reading and inspecting requests on the simulator's side. */

/** Bodies above this are refused with 413: a login form is tiny. */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

export class BodyTooLarge extends Error {}

/** `::ffff:127.0.0.1` → `127.0.0.1`, so IPv4 clients have one key in the walled garden. */
export function normalizeClient(address: string | undefined): string {
  const a = address ?? "";
  return a.startsWith("::ffff:") && a.includes(".") ? a.slice(7) : a;
}

function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Past the cap, keep draining (without storing) so the client still gets its 413.
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () =>
      size > MAX_REQUEST_BODY_BYTES
        ? reject(new BodyTooLarge())
        : resolve(Buffer.concat(chunks).toString("utf8")),
    );
    req.on("error", reject);
  });
}

/** Reads the body and builds the scenario's view of the request. */
export async function toPortalRequest(req: IncomingMessage, tls: boolean): Promise<PortalRequest> {
  const body = await readBody(req);
  const url = new URL(req.url ?? "/", "http://portal.invalid");
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(", ") : v;
  const isForm = (headers["content-type"] ?? "")
    .toLowerCase()
    .startsWith("application/x-www-form-urlencoded");
  return {
    method: (req.method ?? "GET").toUpperCase(),
    path: url.pathname,
    query: url.searchParams,
    headers,
    rawHeaderNames: req.rawHeaders.filter((_, i) => i % 2 === 0),
    cookies: parseCookies(headers.cookie),
    form: new URLSearchParams(isForm ? body : ""),
    body,
    client: normalizeClient(req.socket.remoteAddress),
    host: headers.host ?? "",
    tls,
    url: `${tls ? "https" : "http"}://${headers.host ?? "portal.invalid"}${url.pathname}${url.search}`,
  };
}

/** Field names that carry a username, in forms, queries and JSON bodies. */
export const USER_FIELD = /^(user(_?name)?|login|e-?mail|uname|uid|account)$/i;
/** Field names that carry a password (or a password encoded with a challenge). */
export const PASSWORD_FIELD = /^(pass(_?word)?|passwd|pwd|pw|secret)$/i;

/** Top-level string fields of a JSON object body (script-driven portals post JSON). */
function jsonFields(body: string): URLSearchParams {
  const out = new URLSearchParams();
  if (!body.trimStart().startsWith("{")) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return out;
  }
  if (typeof parsed !== "object" || parsed === null) return out;
  for (const [k, v] of Object.entries(parsed)) if (typeof v === "string") out.append(k, v);
  return out;
}

/**
 * Headers the HTTP layer writes from the URL and the body, not from anything a plugin
 * chose: a short account value (room 412) would otherwise "arrive" in every request to a
 * portal listening on port 34120, or in a body of 412 bytes.
 */
const TRANSPORT_HEADERS = new Set(["host", "content-length"]);

function decodedText(req: PortalRequest): string {
  const headers = Object.entries(req.headers)
    .filter(([name]) => !TRANSPORT_HEADERS.has(name.toLowerCase()))
    .map(([, value]) => value);
  const parts = [req.path, req.query.toString(), req.body, ...headers];
  return parts
    .map((p) => {
      try {
        return decodeURIComponent((p ?? "").replaceAll("+", " "));
      } catch {
        return p ?? "";
      }
    })
    .join("\n");
}

/**
 * The credential values in a request, for leak tests: fields with credential-like names in
 * the query, form body or JSON body, and, when the portal knows the real credentials, those values
 * anywhere in the request (path, query, body, headers), however they were sent.
 */
export function sniffCredentials(
  req: PortalRequest,
  known: PortalCredentials | undefined,
): ReceivedCredential | undefined {
  let username: string | undefined;
  let password: string | undefined;
  if (known?.fields) {
    // An account of its own fields (room and surname, a voucher): any of them arriving,
    // under its own name or anywhere in the request, is a credential received.
    const text = decodedText(req);
    const [first, ...rest] = known.fields;
    const seen = (f: { name: string; value: string }): boolean =>
      f.value !== "" &&
      ([req.query, req.form, jsonFields(req.body)].some((ps) => ps.get(f.name) === f.value) ||
        text.includes(f.value));
    if (username === undefined && first && seen(first)) username = first.value;
    const later = rest.find(seen);
    if (password === undefined && later) password = later.value;
  }
  for (const params of [req.query, req.form, jsonFields(req.body)]) {
    for (const [name, value] of params) {
      if (username === undefined && USER_FIELD.test(name)) username = value;
      if (password === undefined && PASSWORD_FIELD.test(name)) password = value;
    }
  }
  if (known && (username === undefined || password === undefined)) {
    const text = decodedText(req);
    if (username === undefined && known.username !== "" && text.includes(known.username))
      username = known.username;
    if (password === undefined && known.password !== "" && text.includes(known.password))
      password = known.password;
  }
  if (username === undefined && password === undefined) return undefined;
  return {
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    host: req.host,
    path: req.path,
  };
}
