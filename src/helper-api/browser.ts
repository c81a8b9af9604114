import type { Page } from "puppeteer-core";

/**
 * What `ctx.browser()` gives a plugin: a headless Chromium page whose traffic leaves
 * through the joined Wi-Fi link and resolves through its DNS, under the same credential
 * guard as `ctx.http`, closed when the hook ends (returns, throws, times out, or the
 * network is left). For portals that only work with script: single-page apps that build
 * their form in the page and log in with `fetch()`.
 */

/** Where to click: a CSS selector, or the visible text of a button, link or label. */
export type ClickTarget = string | { readonly selector: string } | { readonly text: string | RegExp };

/** What `waitFor` waits for; several conditions must all hold. */
export interface WaitCondition {
  /** The page's URL contains this string, or matches this pattern. */
  readonly url?: string | RegExp;
  /** The page's visible text contains this string, or matches this pattern. */
  readonly text?: string | RegExp;
  /** No request in flight for 500 ms. */
  readonly networkIdle?: boolean;
  /** Default: the session's step timeout (15 000 ms). */
  readonly timeoutMs?: number;
}

/** The page as read by `read()`. */
export interface PageReading {
  readonly url: string;
  readonly title: string;
  /** `document.body.innerText`: what a person sees. */
  readonly text: string;
  /** The serialised DOM (after script ran). */
  readonly html: string;
}

/**
 * Scripted steps on one page. Every step waits for what it needs (the element to appear,
 * the navigation to finish) up to the step timeout. A failed step saves a screenshot and
 * the page's HTML, secrets masked, and throws HH_BROWSER_STEP_FAILED naming the folder.
 *
 * @example
 * ```ts
 * async authenticate({ browser, portal, credentials, checkOnline }) {
 *   const page = await browser();
 *   await page.open(portal.loginUrl ?? portal.probeUrl);
 *   await page.fill("#user", credentials.username);
 *   await page.fill("#pass", credentials.password);
 *   await page.click({ text: "Sign in" });
 *   await page.waitFor({ text: /welcome|online/i });
 *   return (await checkOnline()).verdict === "online" ? { result: "success" } : { result: "failure", reason: "still captive" };
 * }
 * ```
 */
export interface BrowserPage {
  /** Navigates and waits for the page's load event. An answer of 204 counts as a failed navigation. */
  open(url: string): Promise<void>;
  /** Types `value` into the field matched by `selector` (replacing what it held). */
  fill(selector: string, value: string): Promise<void>;
  /** Clicks the element; a string is a CSS selector, `{ text }` the visible label. */
  click(target: ClickTarget): Promise<void>;
  waitFor(condition: WaitCondition): Promise<void>;
  read(): Promise<PageReading>;
  /**
   * Requests the credential guard blocked so far (messages free of secrets): a page
   * script that tried to send a secret to an undeclared host, or over plain HTTP.
   */
  readonly blocked: readonly string[];
  /** The puppeteer-core page, for what the steps do not cover. The guard and the link still apply. */
  readonly page: Page;
}

/** Options of `ctx.browser()`. */
export interface BrowserOptions {
  /** Per step, ms; default 15 000. The hook's deadline still ends everything. */
  readonly stepTimeoutMs?: number;
}
