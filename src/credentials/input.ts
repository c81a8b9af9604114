import { z } from "zod";
import { hotspotError } from "../errors.ts";

/**
 * Reading credentials from a person or a pipe, for `hotspot credentials set`. Values never
 * go to argv (visible in `ps` to every local user) nor to the terminal: piped input is a
 * JSON object or `key=value` lines; on a terminal each field is asked for without echo.
 */

/** Parses piped input: a JSON object, or `key=value` lines (blank lines and `#` comments skipped). */
export function parseCredentialText(text: string, pluginId: string): Record<string, unknown> {
  const trimmed = text.trim();
  if (trimmed === "") {
    throw hotspotError("HH_CREDENTIALS_INPUT_INVALID", { plugin: pluginId, reason: "no input on stdin" });
  }
  if (trimmed.startsWith("{")) {
    let data: unknown;
    try {
      data = JSON.parse(trimmed);
    } catch {
      // JSON.parse quotes the text near the error, which is a secret: say only what went wrong.
      throw hotspotError("HH_CREDENTIALS_INPUT_INVALID", {
        plugin: pluginId,
        reason: "stdin is not valid JSON",
      });
    }
    const parsed = z.record(z.string(), z.unknown()).safeParse(data);
    if (!parsed.success) {
      throw hotspotError("HH_CREDENTIALS_INPUT_INVALID", {
        plugin: pluginId,
        reason: "expected a JSON object",
      });
    }
    return parsed.data;
  }
  const out: Record<string, unknown> = {};
  // Only line breaks are stripped: a password may begin or end with a space.
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === "" || line.trimStart().startsWith("#")) return;
    const eq = line.indexOf("=");
    const key = eq < 0 ? "" : line.slice(0, eq).trim();
    if (key === "") {
      throw hotspotError("HH_CREDENTIALS_INPUT_INVALID", {
        plugin: pluginId,
        reason: `line ${i + 1} is not key=value`,
      });
    }
    out[key] = line.slice(eq + 1);
  });
  return out;
}

/**
 * The fields to ask for: the keys of an object schema (what `credentialsSchema` almost
 * always is); otherwise the common pair.
 */
export function credentialFields(schema: unknown): string[] {
  if (schema instanceof z.ZodObject) {
    const keys = Object.keys(schema.shape);
    if (keys.length > 0) return keys;
  }
  return ["username", "password"];
}

/** Identifiers are echoed while typing; anything else (passwords, tokens, keys) is not. */
export function isEchoedField(name: string): boolean {
  return /^(user(name)?|login|email|account|realm|domain|location)$/i.test(name);
}

/** A terminal to ask on. Injected so tests can drive the questions. */
export interface Prompter {
  ask(question: string, opts: { readonly echo: boolean }): Promise<string>;
}

/** Asks for each field in turn; empty answers are left out (the schema then says what is missing). */
export async function promptCredentials(
  fields: readonly string[],
  prompter: Prompter,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const field of fields) {
    const answer = await prompter.ask(`${field}: `, { echo: isEchoedField(field) });
    if (answer !== "") out[field] = answer;
  }
  return out;
}

/** Reads a whole stream as text, capped (credentials are small; a runaway pipe is an error). */
export async function readAll(stream: AsyncIterable<Buffer | string>, maxBytes = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    size += buf.length;
    if (size > maxBytes)
      throw hotspotError("HH_USAGE", { message: `stdin is larger than ${maxBytes} bytes` });
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}
