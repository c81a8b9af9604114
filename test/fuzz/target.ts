import fc from "fast-check";
import type { ErrorCode } from "../../src/errors.ts";
import { isHotspotError } from "../../src/errors.ts";

/**
 * One fuzz target: an input generator and a check that throws on a finding. A check may let
 * the documented coded errors of the code under test through (`allowed`); any other throw,
 * a broken invariant or a case slower than MAX_CASE_MS is a failure.
 */
export interface TargetSpec<T> {
  readonly name: string;
  readonly arbitrary: fc.Arbitrary<T>;
  /** HH_* codes the code under test documents for bad input. */
  readonly allowed: readonly ErrorCode[];
  readonly check: (input: T) => void;
}

/** A generated case: its input (for the report) and the check bound to it. */
interface Case {
  readonly input: unknown;
  readonly run: () => void;
}

export interface FuzzTarget {
  readonly name: string;
  readonly allowed: readonly ErrorCode[];
  readonly cases: fc.Arbitrary<Case>;
}

/** Builds a target; the input type is inferred from the arbitrary and erased behind `run`. */
export function target<T>(t: TargetSpec<T>): FuzzTarget {
  return {
    name: t.name,
    allowed: t.allowed,
    cases: t.arbitrary.map((input): Case => ({ input, run: () => t.check(input) })),
  };
}

/**
 * A bound no sane parser of these small inputs comes near (they take well under a
 * millisecond); it exists to turn a catastrophic regex or a quadratic blow-up into a failure
 * with its input, not to measure speed. A true infinite loop cannot be interrupted from the
 * same thread: the test runner's per-test timeout catches that one.
 */
export const MAX_CASE_MS = 2_000;

export interface FuzzResult {
  readonly name: string;
  readonly cases: number;
  readonly failures: number;
  readonly maxMs: number;
  /** The shrunk input and error of the first failure, printable. */
  readonly counterexample?: string;
}

function runCase(t: FuzzTarget, c: Case): void {
  try {
    c.run();
  } catch (e) {
    if (isHotspotError(e) && t.allowed.includes(e.code)) return;
    throw e;
  }
}

/**
 * Runs `runs` generated cases. fast-check stops at the first failing case and shrinks it, so
 * `failures` is 0 or 1; the counterexample names the smallest input found.
 */
export function runTarget(t: FuzzTarget, runs: number, seed?: number): FuzzResult {
  let cases = 0;
  let maxMs = 0;
  const property = fc.property(t.cases, (c) => {
    const started = performance.now();
    let error: unknown;
    try {
      runCase(t, c);
    } catch (e) {
      error = e;
    }
    const ms = performance.now() - started;
    cases++;
    if (ms > maxMs) maxMs = ms;
    if (error !== undefined) throw error;
    if (ms > MAX_CASE_MS) throw new Error(`one case took ${Math.round(ms)} ms (bound ${MAX_CASE_MS} ms)`);
  });

  const details = fc.check(property, { numRuns: runs, ...(seed === undefined ? {} : { seed }) });
  if (!details.failed) return { name: t.name, cases, failures: 0, maxMs };
  const error =
    details.errorInstance instanceof Error ? details.errorInstance.stack : String(details.errorInstance);
  return {
    name: t.name,
    cases,
    failures: 1,
    maxMs,
    counterexample: `seed ${details.seed}, path ${details.counterexamplePath}\ninput: ${clipped(fc.stringify(details.counterexample?.[0]?.input))}\n${error}`,
  };
}

/** A printable input, cut short: a flooded page is megabytes. */
function clipped(text: string): string {
  return text.length <= 2_000 ? text : `${text.slice(0, 2_000)}… (${text.length} characters)`;
}

/** Text built from pieces of a grammar and random noise: near-valid inputs reach deep code. */
export function soup(tokens: readonly string[], maxPieces = 40): fc.Arbitrary<string> {
  return fc
    .array(
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...tokens) },
        { weight: 1, arbitrary: fc.string({ maxLength: 12, unit: "binary" }) },
        { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
      ),
      { maxLength: maxPieces },
    )
    .map((parts) => parts.join(""));
}

/**
 * Most repeats of one token in a flood: HOTSPOT_FUZZ_FLOOD, default 2,000 (a page of about
 * 100 kB). Larger floods cost the suite seconds per target on a loaded machine; a long run
 * may raise it (the HTTP client caps bodies at 1 MiB, so about 20,000 is the real ceiling).
 */
const FLOOD_REPEATS =
  Number(process.env.HOTSPOT_FUZZ_FLOOD) > 0 ? Number(process.env.HOTSPOT_FUZZ_FLOOD) : 2_000;

/**
 * One token repeated up to FLOOD_REPEATS times, inside a soup: the shape of a hostile page
 * (deep nesting, thousands of buttons, a regex's worst case) that small cases never reach.
 */
export function flood(tokens: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(
      soup(tokens, 4),
      fc.constantFrom(...tokens),
      fc.integer({ min: 1, max: FLOOD_REPEATS }),
      soup(tokens, 4),
    )
    .map(([before, t, n, after]) => before + t.repeat(n) + after);
}

/** A http(s) URL, as a portal would write one. */
export const webUrl = fc.webUrl({
  validSchemes: ["http", "https"],
  withQueryParameters: true,
  withFragments: true,
});

/** Whether `u` is an absolute http(s) URL that parses to itself. */
export function isHttpUrl(u: string): boolean {
  try {
    const url = new URL(u);
    return (url.protocol === "http:" || url.protocol === "https:") && url.href === u;
  } catch {
    return false;
  }
}

/** Throws a finding (a plain Error, never an allowed coded one). */
export function fail(message: string): never {
  throw new Error(message);
}
