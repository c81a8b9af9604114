import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const FIXTURES = join(import.meta.dirname, "../../fixtures/nmcli");

/** A recorded nmcli output (see test/fixtures/nmcli/record.ts). */
export function recorded(name: "wifi-list" | "device-show" | "node-wifi-list"): string {
  return readFileSync(join(FIXTURES, `${name}.txt`), "utf8");
}

/** node-wifi's own Linux parser, run on recorded output: exactly what its scan() would return. */
export function nodeWifiParse(stdout: string): unknown {
  const parse: unknown = createRequire(import.meta.url)("node-wifi/src/linux/scan/parser.js");
  if (typeof parse !== "function") throw new Error("node-wifi's parser moved");
  return Reflect.apply(parse, undefined, [stdout]);
}

export const hex = (text: string): string => Buffer.from(text, "utf8").toString("hex");
