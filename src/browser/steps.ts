import type { ElementHandle, Page } from "puppeteer-core";
import type { BrowserPage, ClickTarget, PageReading, WaitCondition } from "../helper-api/browser.ts";
import {
  BODY_TEXT,
  findClickableByText,
  type Pattern,
  pattern,
  SELECT_ACTIVE,
  urlAndText,
} from "./page-scripts.ts";

/**
 * The scripted steps on a page (open, fill, click, waitFor, read). Each step is wrapped by
 * `run`, which turns a failure into the session's coded error (with the screenshot folder).
 */

export type StepRunner = <T>(step: string, action: (timeout: number) => Promise<T>) => Promise<T>;

function describe(target: ClickTarget): string {
  if (typeof target === "string") return target;
  if ("selector" in target) return target.selector;
  return `text ${String(target.text)}`;
}

/**
 * How often a condition is checked in the page: at every animation frame (the rendering
 * rate, about 16 ms; headless pages count as visible), so a step notices the page it waits
 * for when it is painted rather than up to a fixed interval later. The checks are small
 * (a selector query, the body text of a portal page).
 */
const POLLING = "raf";

/** The first visible clickable element whose label matches. */
async function findByText(page: Page, text: Pattern, timeout: number): Promise<ElementHandle> {
  const handle = await page.waitForFunction(findClickableByText(text), { timeout, polling: POLLING });
  const el = handle.asElement();
  if (el === null) throw new Error("no element");
  return el;
}

export function pageSteps(page: Page, run: StepRunner, blocked: readonly string[]): BrowserPage {
  return {
    page,
    get blocked() {
      return [...blocked];
    },
    open: (url) =>
      run(`open ${url}`, async (timeout) => {
        const answer = await page.goto(url, { waitUntil: "load", timeout });
        if (answer !== null && answer.status() >= 400)
          throw new Error(`the server answered ${answer.status()}`);
      }),
    fill: (selector, value) =>
      run(`fill ${selector}`, async (timeout) => {
        // One insertText instead of puppeteer's key-by-key typing (about 30 ms a character):
        // the field gets focus, its text selected, and the value as one input event, which
        // script-driven forms (React, Angular) take as typing.
        const field = await page.waitForSelector(selector, { visible: true, timeout });
        if (field === null) throw new Error(`no field ${selector}`);
        await field.focus();
        await page.evaluate(SELECT_ACTIVE);
        await page.keyboard.sendCharacter(value);
      }),
    click: (target) =>
      run(`click ${describe(target)}`, async (timeout) => {
        if (typeof target === "string" || "selector" in target) {
          const selector = typeof target === "string" ? target : target.selector;
          await page.locator(selector).setTimeout(timeout).click();
          return;
        }
        const el = await findByText(page, pattern(target.text), timeout);
        await el.click();
      }),
    waitFor: (c: WaitCondition) =>
      run(
        `waitFor ${[c.url && `url ${String(c.url)}`, c.text && `text ${String(c.text)}`, c.networkIdle && "network idle"].filter(Boolean).join(", ")}`,
        async (t) => {
          const timeout = c.timeoutMs ?? t;
          if (c.url !== undefined || c.text !== undefined) {
            const url = c.url === undefined ? undefined : pattern(c.url);
            const text = c.text === undefined ? undefined : pattern(c.text);
            await page.waitForFunction(urlAndText(url, text), { timeout, polling: POLLING });
          }
          if (c.networkIdle === true) await page.waitForNetworkIdle({ idleTime: 500, timeout });
        },
      ),
    read: () =>
      run("read", async (): Promise<PageReading> => {
        const [title, text, html] = await Promise.all([
          page.title(),
          page.evaluate(BODY_TEXT),
          page.content(),
        ]);
        return { url: page.url(), title, text: String(text), html };
      }),
  };
}
