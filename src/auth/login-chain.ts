import type { LookupFunction } from "node:net";
import { hotspotError } from "../errors.ts";
import type { PortalCookie } from "../helper-api/context.ts";
import type { CaOption } from "./agents.ts";
import { createCookieJar } from "./cookies.ts";
import { pageTarget } from "./intercept-page.ts";
import { forwarded, sendRaw, TransportError } from "./transport.ts";

/**
 * Following an intercept that moved us on by meta refresh or script to the page that really
 * is the login page. Plugins' HTTP clients follow 30x themselves, but not page moves (a
 * browser would), so detection walks those: GET each page, take its 30x Location or its
 * first page move, and stop at the first page that stays put. Cookies set on the way are
 * kept, as a browser keeps them, and handed to the plugin.
 *
 * Bounded: at most MAX_CHAIN_STEPS requests, a URL seen twice is a loop and stops the walk,
 * bodies are capped, and the whole walk shares one deadline. A walk that stops early keeps
 * the last page it reached and says why (`error`), naming the step.
 */

export const MAX_CHAIN_STEPS = 5;
const CHAIN_BODY_CAP_BYTES = 256 * 1024;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface ChainOptions {
  readonly timeoutMs: number;
  readonly connectTimeoutMs?: number;
  readonly localAddress?: string;
  readonly lookup?: LookupFunction;
  readonly ca?: CaOption;
  readonly signal?: AbortSignal;
  readonly userAgent?: string;
  /** Cookies the intercept already set. */
  readonly cookies?: readonly PortalCookie[];
}

export interface ChainResult {
  /** The last page reached: the login page when the walk ended normally. */
  readonly loginUrl: string;
  /** Every URL requested, in order (the first is the intercept's target). */
  readonly chain: readonly string[];
  readonly cookies: readonly PortalCookie[];
  readonly error?: string;
}

/** The coded reason, as PortalInfo carries it: `HH_PORTAL_CHAIN_STOPPED: …`, naming the step and its URL. */
function chainError(step: number, url: string, reason: string): string {
  const e = hotspotError("HH_PORTAL_CHAIN_STOPPED", { step, url, reason });
  return `${e.code}: ${e.message}`;
}

export async function followLoginChain(start: string, opts: ChainOptions): Promise<ChainResult> {
  const jar = createCookieJar({ initial: opts.cookies ?? [] });
  const chain: string[] = [];
  // A page asked for again with other cookies is progress (a cookie-check bounce), not a loop.
  const seen = new Set<string>();
  const deadline = Date.now() + opts.timeoutMs;
  let url = start;
  const stop = (failure?: { step: number; reason: string }): ChainResult => ({
    loginUrl: url,
    chain,
    cookies: jar.list(),
    ...(failure === undefined ? {} : { error: chainError(failure.step, url, failure.reason) }),
  });
  for (;;) {
    const target = new URL(url);
    const cookie = jar.cookieHeader(target);
    const visit = `${url}\n${cookie ?? ""}`;
    if (seen.has(visit))
      return stop({
        step: chain.length + 1,
        reason: "a loop: this page was already visited with the same cookies",
      });
    if (chain.length >= MAX_CHAIN_STEPS) {
      return stop({ step: chain.length + 1, reason: `more than ${MAX_CHAIN_STEPS} steps` });
    }
    seen.add(visit);
    chain.push(url);
    let res: Awaited<ReturnType<typeof sendRaw>>;
    try {
      res = await sendRaw({
        url: target,
        method: "GET",
        headers: cookie === undefined ? {} : { Cookie: cookie },
        timeoutMs: Math.max(1, deadline - Date.now()),
        maxBodyBytes: CHAIN_BODY_CAP_BYTES,
        overflow: "truncate",
        ...(opts.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: opts.connectTimeoutMs }),
        ...forwarded(opts),
      });
    } catch (e) {
      chain.pop();
      const reason = e instanceof TransportError ? e.message : String(e);
      return stop({ step: chain.length + 1, reason: `GET failed: ${reason}` });
    }
    jar.setCookies(res.setCookie, target);
    let next: string | undefined;
    if (REDIRECTS.has(res.status) && res.headers.location !== undefined) {
      try {
        next = new URL(res.headers.location, target).href;
      } catch {
        return stop({ step: chain.length, reason: "a redirect to an invalid Location" });
      }
    } else if (res.status >= 200 && res.status < 300) {
      next = pageTarget(res.body.toString("utf8"), url)?.url;
    }
    if (next === undefined) return stop();
    url = next;
  }
}
