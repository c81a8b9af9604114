/**
 * The one place secrets are found and scrubbed: the daemon's log sinks, the HTTP client's
 * request log and credential guard, and error messages all use it.
 *
 * A plugin's secrets are every non-empty string leaf of its credentials, and every number
 * leaf whose decimal spelling (`String(n)`) is at least MIN_NUMERIC_SECRET_LENGTH characters
 * long: a numeric PIN or account number is as secret as a string one, but a 1-3 character
 * number (a 1-digit PIN, a room floor) would match in nearly every line, status code and
 * port, redacting everything while guarding nothing. Strings count at any length, because
 * a plugin that chose a string type meant it as text. They are searched in their
 * raw form and in the encodings a request carries them in (percent-encoding, form encoding
 * with '+', the WHATWG URL serialiser's escaping, JSON string escaping), and text is also searched after
 * decoding, so a differently-escaped copy (lower-case hex, `'` as %27) is still found.
 */

export const REDACTED = "***";

/** Shortest decimal spelling of a number leaf that counts as a secret (see the file comment). */
export const MIN_NUMERIC_SECRET_LENGTH = 4;

/**
 * Every secret leaf of `credentials` (objects, arrays, nested), without duplicates: non-empty
 * strings, and numbers as their decimal string when it has MIN_NUMERIC_SECRET_LENGTH+ characters.
 */
export function secretLeaves(credentials: unknown): string[] {
  return [...secretStrings(credentials)];
}

/**
 * Adds every secret leaf of `value` to `out` (cycles are followed once): non-empty strings,
 * and finite numbers as their decimal string when it is MIN_NUMERIC_SECRET_LENGTH+ long.
 */
export function secretStrings(value: unknown, out: Set<string> = new Set()): Set<string> {
  const seen = new Set<object>();
  const walk = (v: unknown): void => {
    if (typeof v === "string") {
      if (v.length > 0) out.add(v);
    } else if (typeof v === "number" || typeof v === "bigint") {
      const decimal = String(v);
      if (decimal.length >= MIN_NUMERIC_SECRET_LENGTH && (typeof v === "bigint" || Number.isFinite(v)))
        out.add(decimal);
    } else if (typeof v === "object" && v !== null && !seen.has(v)) {
      seen.add(v);
      for (const child of Array.isArray(v) ? v : Object.values(v)) walk(child);
    }
  };
  walk(value);
  return out;
}

/** application/x-www-form-urlencoded form of a value (space as '+'), as URLSearchParams writes it. */
export function formEncode(value: string): string {
  return new URLSearchParams([["", value]]).toString().slice(1);
}

/** The spellings of a secret that may appear in request or log text, longest first. */
export function secretVariants(secret: string): string[] {
  // JSON.stringify escapes '"', '\\' and control characters: a JSON login body carries that spelling.
  const variants = new Set([
    secret,
    encodeURIComponent(secret),
    formEncode(secret),
    JSON.stringify(secret).slice(1, -1),
  ]);
  // WHATWG URL escapes a different set than encodeURIComponent in paths and queries.
  for (const make of [
    (s: string) => new URL(`http://x/?${s}`).search.slice(1),
    (s: string) => new URL(`http://x/${s}`).pathname.slice(1),
  ]) {
    try {
      variants.add(make(secret));
    } catch {
      // a secret that cannot sit in a URL has no URL spelling
    }
  }
  return [...variants].filter((v) => v !== "").sort((a, b) => b.length - a.length);
}

/** Percent-decodes what can be decoded and leaves malformed escapes alone. */
function looseDecode(text: string, plusIsSpace: boolean): string {
  const input = plusIsSpace ? text.replaceAll("+", " ") : text;
  try {
    return decodeURIComponent(input);
  } catch {
    return input.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

/** A compiled set of secrets: fast membership tests and redaction. */
export interface SecretSet {
  readonly size: number;
  /** True when any secret, in any spelling, occurs in `text`. */
  foundIn(text: string): boolean;
  /** `text` with every spelling of every secret replaced by `***`. */
  redact(text: string): string;
}

/** Compiles the secrets of `credentials` (any value: its leaves count as secretStrings says). */
export function compileSecrets(credentials: unknown): SecretSet {
  return compileSecretList(secretLeaves(credentials));
}

function compileSecretList(secrets: readonly string[]): SecretSet {
  const spellings = [...new Set(secrets.flatMap(secretVariants))].sort((a, b) => b.length - a.length);
  const rawContains = (text: string): boolean => spellings.some((s) => text.includes(s));
  return {
    size: secrets.length,
    foundIn(text) {
      if (secrets.length === 0 || text === "") return false;
      if (rawContains(text)) return true;
      const decoded = [looseDecode(text, false), looseDecode(text, true)];
      return decoded.some((d) => secrets.some((s) => d.includes(s)));
    },
    redact(text) {
      let out = text;
      for (const s of spellings) out = out.replaceAll(s, REDACTED);
      return out;
    },
  };
}

// Log sinks redact every line with the same set: compile it once.
const compiled = new WeakMap<ReadonlySet<string>, SecretSet>();

function setFor(secrets: Iterable<string>): SecretSet {
  if (secrets instanceof Set) {
    let found = compiled.get(secrets);
    if (!found) {
      found = compileSecretList([...secrets]);
      compiled.set(secrets, found);
    }
    return found;
  }
  return compileSecretList([...secrets]);
}

/** `text` with every spelling of every secret replaced by `***`. */
export function redact(text: string, secrets: Iterable<string>): string {
  return setFor(secrets).redact(text);
}

/**
 * Redacts every string inside a JSON-like value (for structured log fields). The shape is
 * preserved (only string leaves change), which is why the result keeps the input's type.
 */
export function redactValue<T>(value: T, secrets: ReadonlySet<string>): T {
  if (secrets.size === 0) return value;
  return walk(value, setFor(secrets)) as T;
}

function walk(value: unknown, secrets: SecretSet): unknown {
  if (typeof value === "string") return secrets.redact(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, secrets));
  if (value instanceof Error) return secrets.redact(value.message);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, secrets)]));
  }
  return value;
}
