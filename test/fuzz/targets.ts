import type { FuzzTarget } from "./target.ts";
import { htmlTargets } from "./targets-html.ts";
import { protocolTargets } from "./targets-protocol.ts";
import { scanTargets } from "./targets-scan.ts";

/** Every fuzz target, in the order the table prints them. */
export const fuzzTargets: readonly FuzzTarget[] = [...protocolTargets, ...htmlTargets, ...scanTargets];
