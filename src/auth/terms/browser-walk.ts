import { z } from "zod";
import { DESCRIBE_TERMS_PAGE, PRESSABLE, tickCheckboxes } from "../../browser/page-scripts.ts";
import { type ErrorCode, hotspotError, isHotspotError, reasonOf } from "../../errors.ts";
import type { BrowserPage } from "../../helper-api/browser.ts";
import type { PluginLogger, PortalInfo } from "../../helper-api/context.ts";
import { intentScore, labelIntent } from "./labels.ts";
import { type PersonalField, personalField } from "./page.ts";
import { DEFAULT_MAX_STEPS, type TermsWalkOutcome, type TermsWalkStep } from "./walk.ts";

/**
 * The terms walk in the browser, for pages the plain-HTTP walker cannot complete: a page
 * whose controls only exist once its script ran, or whose accept button runs script that
 * cannot be read statically. The page is rendered in Chromium and read as a person reads
 * it: the same label rules (accept, agree, connect, continue in en/de/fr/es/it/nl/pt; never
 * decline or cancel), the same refusals (a password, card or e-mail field means a person
 * must log in: `uiRequired`), boxes ticked before pressing, and `online` only when
 * `checkOnline()` says so, never because the page looks done.
 */

export interface BrowserTermsWalkDeps {
  browser(): Promise<BrowserPage>;
  checkOnline(): Promise<PortalInfo>;
  readonly log?: PluginLogger;
}

export interface BrowserTermsWalkOptions {
  /** The first page (the portal's login URL). */
  readonly startUrl: string;
  /** Controls to press at most; default 6. */
  readonly maxSteps?: number;
}

const described = z.object({
  url: z.string(),
  controls: z.array(
    z.object({ index: z.number().int(), label: z.string(), form: z.number().int(), link: z.boolean() }),
  ),
  fields: z.array(
    z.object({
      type: z.string(),
      name: z.string(),
      id: z.string(),
      autocomplete: z.string(),
      form: z.number().int(),
    }),
  ),
});
type Described = z.infer<typeof described>;

/** What the fields of `form` (or of the whole page, for -1) ask for. */
function asks(page: Described, form: number): PersonalField[] {
  const found = new Set<PersonalField>();
  for (const f of page.fields) {
    if (form >= 0 && f.form !== form) continue;
    const kind = personalField({ type: f.type, name: f.name, id: f.id, autocomplete: f.autocomplete });
    if (kind !== undefined) found.add(kind);
  }
  return [...found];
}

/** Waits until the page has been quiet for half a second (its script built the page, or the click's request ended). */
async function settle(page: BrowserPage): Promise<void> {
  await page.page.waitForNetworkIdle({ idleTime: 500, timeout: 5_000 }).catch(() => undefined);
}

/**
 * Walks a terms portal in the browser from `startUrl`. Rejects only when the browser cannot
 * start (HH_BROWSER_MISSING, HH_BROWSER_LAUNCH_FAILED); every other ending is an outcome.
 */
export async function walkTermsInBrowser(
  deps: BrowserTermsWalkDeps,
  opts: BrowserTermsWalkOptions,
): Promise<TermsWalkOutcome> {
  const maxSteps = Math.max(1, Math.floor(opts.maxSteps ?? DEFAULT_MAX_STEPS));
  const steps: TermsWalkStep[] = [];
  const taken = new Set<string>();
  let url = opts.startUrl;
  const stop = (code: ErrorCode, params: Record<string, string | number>): TermsWalkOutcome => ({
    outcome: "stopped",
    error: hotspotError(code, { step: steps.length + 1, url, ...params }),
    steps,
  });
  const page = await deps.browser();
  try {
    await page.open(opts.startUrl);
  } catch (e) {
    if (!isHotspotError(e, "HH_BROWSER_STEP_FAILED")) throw e;
    return stop("HH_TERMS_PORTAL_ERROR", {
      detail: `the page could not be loaded in the browser: ${reasonOf(e)}`,
    });
  }
  for (;;) {
    await settle(page);
    const read = described.safeParse(await page.page.evaluate(DESCRIBE_TERMS_PAGE).catch(() => undefined));
    if (!read.success)
      return stop("HH_TERMS_PORTAL_ERROR", { detail: "the page could not be read in the browser" });
    const now = read.data;
    url = now.url;
    let declined = 0;
    let best: { index: number; label: string; form: number; score: number } | undefined;
    for (const c of now.controls) {
      const intent = labelIntent(c.label);
      if (intent === "decline") declined++;
      const score = intentScore(intent);
      if (score > 0 && (best === undefined || score > best.score)) best = { ...c, score };
    }
    if (best === undefined || steps.length >= maxSteps) {
      const online = await deps.checkOnline();
      if (online.verdict === "online") return { outcome: "online", steps, portal: online };
      if (steps.length >= maxSteps) return stop("HH_TERMS_STEP_LIMIT", { limit: maxSteps });
      const personal = asks(now, -1);
      if (personal.length > 0) return personalData(url, personal, steps);
      if (declined > 0)
        return stop("HH_TERMS_DECLINE_ONLY", { detail: "the page offers only to decline or cancel" });
      return stop("HH_TERMS_NO_ACTION", {
        detail: `no accept, continue or connect control among ${now.controls.length} control(s) of the rendered page`,
      });
    }
    const personal = asks(now, best.form);
    if (personal.length > 0) return personalData(url, personal, steps);
    const key = `${url} ${best.label}`;
    if (taken.has(key)) return stop("HH_TERMS_LOOP", { detail: `"${best.label}" on ${url}` });
    taken.add(key);
    steps.push({ step: steps.length + 1, page: url, action: `click "${best.label}" in the browser` });
    deps.log?.debug("terms walk (browser)", { step: steps.length, page: url, action: best.label });
    try {
      await page.page.evaluate(tickCheckboxes(best.form));
      const handles = await page.page.$$(PRESSABLE);
      const target = handles[best.index];
      if (target === undefined)
        return stop("HH_TERMS_PORTAL_ERROR", { detail: "the page changed under the click" });
      await target.click();
    } catch (e) {
      return stop("HH_TERMS_PORTAL_ERROR", { detail: `clicking "${best.label}" failed: ${reasonOf(e)}` });
    }
    await settle(page);
    const online = await deps.checkOnline();
    if (online.verdict === "online") return { outcome: "online", steps, portal: online };
  }
}

function personalData(
  url: string,
  personal: readonly PersonalField[],
  steps: TermsWalkStep[],
): TermsWalkOutcome {
  const detail = `the page asks for ${personal.join(" and ")}`;
  return {
    outcome: "uiRequired",
    url,
    error: hotspotError("HH_TERMS_PERSONAL_DATA", { step: steps.length + 1, url, detail }),
    steps,
  };
}
