import { renderJson } from "./json.ts";
import type { AnnotatedNetwork } from "./model.ts";
import { renderTable } from "./table.ts";
import { renderTerse } from "./terse.ts";

export { displayWidth, escapeBytes, escapeText, padDisplay, terminalSafe } from "./display.ts";
export { renderJson } from "./json.ts";
export { type AnnotatedNetwork, annotate, type ProviderInfo } from "./model.ts";
export { formatTable, NONE, renderTable, signalBars, TABLE_COLUMNS, tableSsid } from "./table.ts";
export { renderTerse, terseFields } from "./terse.ts";

export type OutputFormat = "table" | "terse" | "json";

/** Renders annotated networks in the format the user asked for (`--json`, `--terse`, or the table). */
export function renderNetworks(networks: readonly AnnotatedNetwork[], format: OutputFormat): string {
  switch (format) {
    case "json":
      return renderJson(networks);
    case "terse":
      return renderTerse(networks);
    case "table":
      return renderTable(networks);
  }
}
