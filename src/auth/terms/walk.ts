import { type ErrorCode, type HotspotError, hotspotError, reasonOf } from "../../errors.ts";
import type {
  FormHelper,
  HttpClient,
  HttpResponse,
  PluginLogger,
  PortalInfo,
} from "../../helper-api/context.ts";
import { formFields } from "../forms.ts";
import { chooseTermsAction, type TermsAction } from "./choose.ts";
import { readTermsPage } from "./page.ts";

/**
 * The terms-page walker: read the page, pick the accept action, follow it, and repeat
 * within a step cap until the network itself says online. A person at a portal does the
 * same; Android's CaptivePortalLogin and Apple's assistant simply show them the pages.
 *
 * `online` comes only from a fresh detection (`checkOnline`), never from running out of
 * things to press. It is asked when the page offers nothing strong to press (the "you are
 * connected" page, a page that only redirects), so a two-step flow's "continue" is
 * followed and a portal that lets us through at the first step costs no extra round trip.
 * Every way of stopping is a coded error naming the step and its page.
 */

export const DEFAULT_MAX_STEPS = 6;
const MAX_REDIRECTS = 10;

export interface TermsWalkDeps {
  readonly http: HttpClient;
  readonly forms: FormHelper;
  checkOnline(): Promise<PortalInfo>;
  readonly signal?: AbortSignal;
  readonly log?: PluginLogger;
}

export interface TermsWalkOptions {
  /** The first page (the portal's login URL). */
  readonly startUrl: string;
  /** Actions to take at most; default 6. */
  readonly maxSteps?: number;
  /**
   * URLs that mean "the portal is sending you back where you were going" (the probe URL,
   * which portals echo as `dst`, `redirurl`, `continue_url`): a redirect to one ends the
   * step, and the network is asked whether it is online before that URL is fetched. Saves
   * the round trip to the visitor's original page when the portal has let us through.
   */
  readonly releaseUrls?: readonly string[];
}

/** One action taken: which page it was on and what was pressed. */
export interface TermsWalkStep {
  readonly step: number;
  readonly page: string;
  readonly action: string;
}

export type TermsWalkOutcome =
  | { readonly outcome: "online"; readonly steps: readonly TermsWalkStep[]; readonly portal: PortalInfo }
  | {
      readonly outcome: "uiRequired";
      readonly url: string;
      readonly error: HotspotError;
      readonly steps: readonly TermsWalkStep[];
    }
  | {
      readonly outcome: "stopped";
      readonly error: HotspotError;
      readonly steps: readonly TermsWalkStep[];
      /**
       * The page where the walk stopped carries script (`<script>`): a browser may see
       * controls this reading cannot (see walkTermsInBrowser).
       */
      readonly scripted?: boolean;
    };

function describe(action: TermsAction): string {
  switch (action.kind) {
    case "submit":
      return `${action.form.method} ${action.form.action} ("${action.label}"${action.via === "script" ? ", by its script" : ""})`;
    case "link":
      return `link ${action.url} ("${action.label}")`;
    case "move":
      return `${action.how} to ${action.url}`;
  }
}

/** What makes two actions the same, for loop detection: method, URL and the body sent. */
function signature(action: TermsAction): string {
  if (action.kind !== "submit") return `GET ${action.url}`;
  return `${action.form.method} ${action.form.action} ${new URLSearchParams(formFields(action.form, action.values))}`;
}

/**
 * Walks a terms portal from `startUrl` until the network says online, within `maxSteps`
 * actions. Pass the hook's context as `deps` (it has `http`, `forms`, `checkOnline`,
 * `signal` and `log`). Never throws for portal or network trouble: every ending is an
 * outcome, and `online` only comes from `checkOnline()`.
 *
 * @example
 * ```ts
 * async authenticate(ctx) {
 *   const walk = await walkTermsPages(ctx, {
 *     startUrl: ctx.portal.loginUrl ?? ctx.portal.probeUrl,
 *     releaseUrls: [ctx.portal.probeUrl],
 *   });
 *   if (walk.outcome === "online") return { result: "success" };
 *   if (walk.outcome === "uiRequired") return { result: "uiRequired", url: walk.url };
 *   return { result: "failure", reason: walk.error.message };
 * }
 * ```
 */
export async function walkTermsPages(deps: TermsWalkDeps, opts: TermsWalkOptions): Promise<TermsWalkOutcome> {
  const maxSteps = Math.max(1, Math.floor(opts.maxSteps ?? DEFAULT_MAX_STEPS));
  const steps: TermsWalkStep[] = [];
  const taken = new Set<string>();
  const release = new Set((opts.releaseUrls ?? []).flatMap((u) => absolute(u) ?? []));
  let url = opts.startUrl;
  let body = "";
  const stop = (code: ErrorCode, params: Record<string, string | number>): TermsWalkOutcome => ({
    outcome: "stopped",
    error: hotspotError(code, { step: steps.length + 1, url, ...params }),
    steps,
    ...(/<script\b/i.test(body) ? { scripted: true } : {}),
  });

  let page: HttpResponse;
  try {
    page = await deps.http.get(url, { followRedirects: true, maxRedirects: MAX_REDIRECTS });
  } catch (e) {
    return stop("HH_TERMS_PORTAL_ERROR", { detail: `the page could not be loaded: ${reasonOf(e)}` });
  }

  for (;;) {
    url = page.url;
    body = page.body;
    if (page.status >= 400) {
      // After an accept, the page we land on may be the visitor's original site, which may
      // well answer an error: only the network can say whether we are through.
      if (steps.length > 0) {
        const now = await deps.checkOnline();
        if (now.verdict === "online") return { outcome: "online", steps, portal: now };
      }
      return stop("HH_TERMS_PORTAL_ERROR", { detail: `the portal answered ${page.status}` });
    }
    const choice = chooseTermsAction(readTermsPage(page.body, page.url));
    const atLimit = steps.length >= maxSteps;
    // A weak action (a neutral button, a refresh) on the first page needs no check: the
    // daemon found this portal a moment ago. Later, the network may already be open.
    if (!choice.found || (!choice.strong && steps.length > 0) || atLimit) {
      const now = await deps.checkOnline();
      if (now.verdict === "online") return { outcome: "online", steps, portal: now };
    }
    if (!choice.found) {
      const detail = choice.detail;
      switch (choice.why) {
        case "personal":
          return {
            outcome: "uiRequired",
            url,
            error: hotspotError("HH_TERMS_PERSONAL_DATA", { step: steps.length + 1, url, detail }),
            steps,
          };
        case "decline-only":
          return stop("HH_TERMS_DECLINE_ONLY", { detail });
        case "script":
          return stop("HH_TERMS_SCRIPT_UNSUPPORTED", { detail });
        case "nothing":
          return stop("HH_TERMS_NO_ACTION", { detail });
      }
    }
    if (atLimit) return stop("HH_TERMS_STEP_LIMIT", { limit: maxSteps });
    const action = choice.action;
    const key = signature(action);
    if (taken.has(key)) return stop("HH_TERMS_LOOP", { detail: describe(action) });
    taken.add(key);
    steps.push({ step: steps.length + 1, page: url, action: describe(action) });
    deps.log?.debug("terms walk", { step: steps.length, page: url, action: describe(action) });
    try {
      const next = await follow(deps, action, url, release);
      if ("released" in next) {
        const now = await deps.checkOnline();
        if (now.verdict === "online") return { outcome: "online", steps, portal: now };
        page = await deps.http.get(next.released, { followRedirects: true, maxRedirects: MAX_REDIRECTS });
      } else page = next;
    } catch (e) {
      return {
        outcome: "stopped",
        error: hotspotError(
          "HH_TERMS_PORTAL_ERROR",
          { step: steps.length, url, detail: `${describe(action)} failed: ${reasonOf(e)}` },
          { cause: e },
        ),
        steps,
      };
    }
  }
}

function absolute(url: string, base?: string): string | undefined {
  try {
    const u = new URL(url, base);
    u.hash = "";
    return u.href;
  } catch {
    return undefined;
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The request a submit makes, for a 307/308 that asks for it to be repeated elsewhere. */
function repeatable(action: TermsAction): { method: string; body?: URLSearchParams } {
  if (action.kind !== "submit" || action.form.method === "GET") return { method: "GET" };
  return { method: "POST", body: new URLSearchParams(formFields(action.form, action.values)) };
}

/**
 * Takes `action`, following redirects hop by hop as a browser would (301-303 become GETs,
 * 307/308 repeat the request at the new place) until a page, or a redirect to a release URL.
 */
async function follow(
  deps: TermsWalkDeps,
  action: TermsAction,
  from: string,
  release: ReadonlySet<string>,
): Promise<HttpResponse | { released: string }> {
  const manual = release.size > 0;
  // Portals check Referer as cheaply as they check cookies; a browser sends it on both.
  let res =
    action.kind === "submit"
      ? await deps.forms.submit(action.form, action.values, { followRedirects: !manual })
      : await deps.http.get(action.url, {
          followRedirects: !manual,
          maxRedirects: MAX_REDIRECTS,
          headers: { referer: from },
        });
  let again = repeatable(action);
  for (let hop = 0; manual && hop < MAX_REDIRECTS; hop++) {
    const location = res.headers.location;
    const target = location === undefined ? undefined : absolute(location, res.url);
    if (target === undefined || !REDIRECTS.has(res.status)) return res;
    if (release.has(target)) return { released: target };
    if (res.status !== 307 && res.status !== 308) again = { method: "GET" };
    res = await deps.http.request(target, { ...again, headers: { referer: from } });
  }
  if (manual && REDIRECTS.has(res.status)) {
    throw hotspotError("HH_HTTP_TOO_MANY_REDIRECTS", { max: MAX_REDIRECTS, url: res.url });
  }
  return res;
}
