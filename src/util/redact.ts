/**
 * Secret redaction for logs and error text. Credentials are collected as every string
 * leaf of a plugin's credentials object; each is replaced wherever it appears, including
 * in the URL- and form-encoded forms a login request carries it in.
 */
export function secretStrings(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === "string") {
    if (value.length > 0) out.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) secretStrings(v, out);
  } else if (typeof value === "object" && value !== null) {
    for (const v of Object.values(value)) secretStrings(v, out);
  }
  return out;
}

/** The forms a secret can take on the wire: raw, percent-encoded, form-encoded. */
export function secretVariants(secret: string): string[] {
  const pct = encodeURIComponent(secret);
  const form = new URLSearchParams({ s: secret }).toString().slice(2);
  return [...new Set([secret, pct, form])];
}

export const REDACTED = "***";

export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  const all = [...secrets].flatMap(secretVariants).sort((a, b) => b.length - a.length);
  for (const s of all) if (s.length > 0) out = out.split(s).join(REDACTED);
  return out;
}

/**
 * Redacts every string inside a JSON-like value (for structured log fields). The shape is
 * preserved (only string leaves change), which is why the result keeps the input's type.
 */
export function redactValue<T>(value: T, secrets: ReadonlySet<string>): T {
  if (secrets.size === 0) return value;
  return walk(value, secrets) as T;
}

function walk(value: unknown, secrets: ReadonlySet<string>): unknown {
  if (typeof value === "string") return redact(value, secrets);
  if (Array.isArray(value)) return value.map((v) => walk(v, secrets));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, secrets)]));
  }
  return value;
}
