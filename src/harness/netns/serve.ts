import { hotspotError } from "../../errors.ts";
import type { CliIo } from "../../cli/io.ts";

/** Namespace mode for `hotspot harness serve --netns` (being written). */
export async function serveInNamespaces(_opts: { readonly scenario: string }, _io: CliIo, _stop: Promise<void>): Promise<number> {
  throw hotspotError("HH_HARNESS_NETNS_UNAVAILABLE", { reason: "not implemented yet" });
}
