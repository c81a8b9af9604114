/**
 * `nmcli --terse` joins a row's fields with `:` and escapes `:` and `\` inside a field as `\:`
 * and `\\`. Splitting on every `:` (as node-wifi does) breaks any SSID or BSSID containing
 * one; this splits on unescaped colons only and unescapes each field.
 */

/**
 * Splits one terse row into its fields. Returns undefined for a malformed row: a backslash
 * that escapes anything but `:` or `\`, or a trailing lone backslash. nmcli never writes
 * those, so such a row was cut or mangled and none of its fields can be trusted.
 */
export function splitTerse(line: string): string[] | undefined {
  const fields: string[] = [];
  let field = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "\\") {
      const next = line[i + 1];
      if (next !== ":" && next !== "\\") return undefined;
      field += next;
      i++;
    } else if (c === ":") {
      fields.push(field);
      field = "";
    } else {
      field += c;
    }
  }
  fields.push(field);
  return fields;
}

/** Escapes one field the way nmcli does (for recorded fixtures and tests). */
export function escapeTerse(field: string): string {
  return field.replace(/[\\:]/g, (c) => `\\${c}`);
}
