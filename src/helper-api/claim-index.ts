import { hotspotError } from "../errors.ts";
import { ByteTable, FNV_START, fnv1a, fnvStep } from "./byte-table.ts";
import type { Claim } from "./claims.ts";
import { CONFIDENCES, type Confidence } from "./confidence.ts";
import { type ScannedNetwork, SECURITIES, type Security } from "./network.ts";
import type { ClaimMatch, LoadedPlugin } from "./registry-types.ts";
import { hexToBytes, MAX_SSID_BYTES, ssidToText } from "./ssid.ts";

/**
 * One index over every plugin's static claims, so that matching a scan runs no plugin code
 * and costs a few hash probes per access point, whatever the number of claims.
 *
 * Each claim becomes one small integer (an "entry"): plugin index, confidence and security
 * filter packed together, so a million claims cost no million objects.
 * Layout: bits 0-7 security mask (bit i = SECURITIES[i]; all ones = any), bits 8-9
 * confidence rank (1 low … 3 high), bits 10-30 plugin index.
 *
 * Where a key holds one entry, the key's value is the entry itself (≥ 0); where several
 * plugins claim the same key, the value is -(n + 1) for list n of `#lists`.
 *
 * SSIDs and SSID prefixes are byte strings in ByteTables (exact bytes: non-UTF-8 and NUL
 * included); BSSID prefixes are few and live in one Map per prefix length; patterns are
 * compiled once, shared by identical claims, and tested against the SSID's text.
 */

/** What the index needs of a plugin: a subset of LoadedPlugin, so tests and benches can build one. */
export type IndexablePlugin = Pick<LoadedPlugin, "id" | "displayName" | "priority" | "claims">;

const ANY_SECURITY = 0xff;
const MAX_PLUGINS = 1 << 21;

function securityBit(s: Security): number {
  return 1 << SECURITIES.indexOf(s);
}

function confRank(c: Confidence): number {
  return CONFIDENCES.indexOf(c);
}

function securityMask(security: readonly Security[] | undefined): number {
  if (!security) return ANY_SECURITY;
  let mask = 0;
  for (const s of security) mask |= securityBit(s);
  return mask;
}

const utf8 = new TextEncoder();

/** Writes an SSID as given in a claim into `out` as bytes; returns the length. */
function encodeSsid(input: string | { readonly hex: string }, out: Uint8Array): number {
  if (typeof input !== "string") {
    const bytes = hexToBytes(input.hex);
    if (bytes.length > MAX_SSID_BYTES) throw new RangeError(`SSID longer than ${MAX_SSID_BYTES} bytes`);
    out.set(bytes);
    return bytes.length;
  }
  // Plain ASCII (nearly every real SSID) is copied without the encoder's call overhead.
  if (input.length <= MAX_SSID_BYTES) {
    let i = 0;
    for (; i < input.length; i++) {
      const c = input.charCodeAt(i);
      if (c >= 0x80) break;
      out[i] = c;
    }
    if (i === input.length) return i;
  }
  const bytes = utf8.encode(input);
  if (bytes.length > MAX_SSID_BYTES) throw new RangeError(`SSID longer than ${MAX_SSID_BYTES} bytes`);
  out.set(bytes);
  return bytes.length;
}

type ClaimKind = "ssid" | "ssidPrefix" | "bssidPrefix" | "ssidPattern";

function describeClaim(kind: ClaimKind, key: string | Uint8Array): string {
  if (typeof key === "string") return `${kind} ${key}`;
  const text = ssidToText(key);
  const roundTrips = Buffer.from(text, "utf8").equals(key) && !text.includes("\0");
  return roundTrips ? `${kind} ${JSON.stringify(text)}` : `${kind} hex:${Buffer.from(key).toString("hex")}`;
}

interface Pattern {
  readonly re: RegExp;
  readonly source: string;
  readonly flags: string;
  value: number;
}

/**
 * Patterns sharing flags, behind one alternation of them all: testing each pattern per AP was
 * ten times slower than one combined test that rejects most APs (measured: 25 patterns × 1000
 * APs, 0.41 ms vs 0.04 ms). Members are tested one by one only when the alternation matches.
 */
interface PatternGroup {
  readonly prefilter: RegExp | undefined;
  readonly members: readonly Pattern[];
}

/**
 * Back-references would point at another member's groups once combined, and repeated
 * group names are a syntax error: such patterns are tested on their own.
 */
const NOT_COMBINABLE = /\\[1-9]|\\k<|\(\?<(?![=!])/;

function groupPatterns(patterns: readonly Pattern[]): PatternGroup[] {
  const groups: PatternGroup[] = [];
  const byFlags = new Map<string, Pattern[]>();
  for (const p of patterns) {
    if (NOT_COMBINABLE.test(p.re.source)) groups.push({ prefilter: undefined, members: [p] });
    else byFlags.set(p.flags, [...(byFlags.get(p.flags) ?? []), p]);
  }
  for (const [flags, members] of byFlags) {
    const prefilter =
      members.length > 1 ? new RegExp(members.map((m) => `(?:${m.re.source})`).join("|"), flags) : undefined;
    groups.push({ prefilter, members });
  }
  return groups;
}

export class ClaimIndex {
  readonly #plugins: readonly IndexablePlugin[];
  readonly #exact: ByteTable;
  readonly #prefix: ByteTable;
  /** Bit L-1 set when some SSID prefix is L bytes long. */
  #prefixLengths = 0;
  /** BSSID prefix maps by string length of the prefix ("02:1a:11" → 8), ascending. */
  readonly #bssids: { readonly length: number; readonly map: Map<string, number> }[] = [];
  readonly #patterns: Pattern[] = [];
  readonly #patternGroups: readonly PatternGroup[];
  readonly #lists: number[][] = [];
  /** Pre-built frozen results, one per plugin and confidence rank, so match() allocates only arrays. */
  readonly #results: ClaimMatch[] = [];
  /** Scratch space for match(): best confidence rank per plugin index, and who was touched. */
  readonly #best: Uint8Array;
  readonly #touched: Uint32Array;
  #touchedCount = 0;
  #claimCount = 0;

  /**
   * Compiles the claims of `plugins` (in this order). Throws HH_PLUGIN_CLAIM_CONFLICT when two
   * plugins of the same priority make the identical claim (same matcher and value, same
   * security filter, same confidence): arbitration could then only fall back to the plugin
   * id, which the user should decide instead.
   */
  constructor(plugins: readonly IndexablePlugin[]) {
    if (plugins.length > MAX_PLUGINS) throw new RangeError(`at most ${MAX_PLUGINS} plugins`);
    this.#plugins = plugins;
    this.#best = new Uint8Array(plugins.length);
    this.#touched = new Uint32Array(plugins.length);
    let exact = 0;
    let prefix = 0;
    for (const p of plugins) {
      for (const c of p.claims) {
        if ("ssid" in c) exact++;
        else if ("ssidPrefix" in c) prefix++;
      }
    }
    this.#exact = new ByteTable(exact, exact * 20);
    this.#prefix = new ByteTable(prefix, prefix * 12);
    const scratch = new Uint8Array(MAX_SSID_BYTES);
    plugins.forEach((p, i) => {
      for (let rank = 0; rank < CONFIDENCES.length; rank++) {
        const confidence = CONFIDENCES[rank] ?? "none";
        this.#results.push(
          Object.freeze({
            pluginId: p.id,
            displayName: p.displayName,
            confidence,
            priority: p.priority,
            origin: "static",
          }),
        );
      }
      for (const claim of p.claims) this.#add(i, claim, scratch);
    });
    this.#patternGroups = groupPatterns(this.#patterns);
  }

  /** Number of static claims compiled (a plugin's own exact duplicates count once). */
  get claimCount(): number {
    return this.#claimCount;
  }

  #add(pluginIndex: number, claim: Claim, scratch: Uint8Array): void {
    const entry = (pluginIndex << 10) | (confRank(claim.confidence) << 8) | securityMask(claim.security);
    if ("ssid" in claim || "ssidPrefix" in claim) {
      const isPrefix = "ssidPrefix" in claim;
      const table = isPrefix ? this.#prefix : this.#exact;
      const len = encodeSsid(isPrefix ? claim.ssidPrefix : claim.ssid, scratch);
      if (isPrefix) this.#prefixLengths |= 1 << (len - 1);
      const before = table.size;
      const k = table.intern(scratch, len, fnv1a(scratch, len), entry);
      if (table.size > before) this.#claimCount++;
      else
        table.setValue(k, this.#merge(table.value(k), entry, isPrefix ? "ssidPrefix" : "ssid", table.key(k)));
    } else if ("bssidPrefix" in claim) {
      const key = claim.bssidPrefix.toLowerCase();
      let slot = this.#bssids.find((s) => s.length === key.length);
      if (!slot) {
        slot = { length: key.length, map: new Map() };
        this.#bssids.push(slot);
        this.#bssids.sort((a, b) => a.length - b.length);
      }
      const existing = slot.map.get(key);
      if (existing === undefined) this.#claimCount++;
      slot.map.set(key, existing === undefined ? entry : this.#merge(existing, entry, "bssidPrefix", key));
    } else {
      const flags = claim.flags ?? "";
      const source = `/${claim.ssidPattern}/${flags}`;
      const existing = this.#patterns.find((g) => g.source === source);
      if (existing) existing.value = this.#merge(existing.value, entry, "ssidPattern", source);
      else {
        this.#patterns.push({ re: new RegExp(claim.ssidPattern, flags), source, flags, value: entry });
        this.#claimCount++;
      }
    }
  }

  /** Adds `entry` to a key that already has entries; returns the key's new value. */
  #merge(value: number, entry: number, kind: ClaimKind, key: string | Uint8Array): number {
    const list = value >= 0 ? [value] : (this.#lists[-value - 1] ?? []);
    const plugin = this.#plugins[entry >>> 10];
    for (const other of list) {
      if (other === entry) return value; // the same plugin said it twice: harmless
      if ((other & 0x3ff) !== (entry & 0x3ff)) continue;
      const otherPlugin = this.#plugins[other >>> 10];
      if (plugin && otherPlugin && otherPlugin !== plugin && plugin.priority === otherPlugin.priority) {
        throw hotspotError("HH_PLUGIN_CLAIM_CONFLICT", {
          first: otherPlugin.id,
          second: plugin.id,
          claim: `${describeClaim(kind, key)} (${CONFIDENCES[(entry >> 8) & 3]})`,
        });
      }
    }
    list.push(entry);
    this.#claimCount++;
    if (value < 0) return value;
    this.#lists.push(list);
    return -this.#lists.length;
  }

  /**
   * Every plugin's best static claim on `network`, in plugin load order (not ranked: see
   * `rankClaims`). Synchronous and allocation-light; safe to call for every AP of a scan.
   */
  match(network: ScannedNetwork): ClaimMatch[] {
    const secBit = securityBit(network.security);
    this.#touchedCount = 0;
    const ssid = network.ssid;
    const prefixLengths = this.#prefixLengths;
    // One pass over the bytes hashes every prefix length on the way to the whole SSID.
    let h = FNV_START;
    for (let i = 0; i < ssid.length; i++) {
      h = fnvStep(h, ssid[i] ?? 0);
      if ((prefixLengths & (1 << i)) !== 0) {
        const k = this.#prefix.find(ssid, i + 1, h);
        if (k >= 0) this.#visit(this.#prefix.value(k), secBit);
      }
    }
    const k = this.#exact.find(ssid, ssid.length, h);
    if (k >= 0) this.#visit(this.#exact.value(k), secBit);
    const bssid = network.bssid;
    for (const { length, map } of this.#bssids) {
      if (length > bssid.length) break;
      const v = map.get(bssid.slice(0, length));
      if (v !== undefined) this.#visit(v, secBit);
    }
    const text = network.ssidText;
    for (const group of this.#patternGroups) {
      if (group.prefilter && !group.prefilter.test(text)) continue;
      for (const p of group.members) if (p.re.test(text)) this.#visit(p.value, secBit);
    }

    const out: ClaimMatch[] = [];
    const touched = this.#touched;
    const count = this.#touchedCount;
    // Insertion sort: a network is claimed by a few plugins, and this allocates nothing.
    for (let i = 1; i < count; i++) {
      const v = touched[i] ?? 0;
      let j = i - 1;
      for (; j >= 0 && (touched[j] ?? 0) > v; j--) touched[j + 1] = touched[j] ?? 0;
      touched[j + 1] = v;
    }
    for (let i = 0; i < count; i++) {
      const p = touched[i] ?? 0;
      const result = this.#results[p * CONFIDENCES.length + (this.#best[p] ?? 0)];
      if (result) out.push(result);
      this.#best[p] = 0;
    }
    return out;
  }

  // Written without closures: match() runs once per AP of every scan, and a closure per call
  // costs an allocation (and under tsx, a keep-names wrapper).
  #visit(value: number, secBit: number): void {
    if (value >= 0) {
      this.#visitEntry(value, secBit);
      return;
    }
    const list = this.#lists[-value - 1];
    if (list) for (let i = 0; i < list.length; i++) this.#visitEntry(list[i] ?? 0, secBit);
  }

  #visitEntry(entry: number, secBit: number): void {
    if ((entry & secBit) === 0) return;
    const p = entry >>> 10;
    const rank = (entry >> 8) & 3;
    const prev = this.#best[p] ?? 0;
    if (prev === 0) this.#touched[this.#touchedCount++] = p;
    if (rank > prev) this.#best[p] = rank;
  }
}

/** Builds the index; see ClaimIndex's constructor for the conflict rule. */
export function buildClaimIndex(plugins: readonly IndexablePlugin[]): ClaimIndex {
  return new ClaimIndex(plugins);
}
