import type { HTTPRequest, Page } from "puppeteer-core";
import type { HotspotError } from "../errors.ts";
import type { BrowserGuard } from "./guard.ts";
import { NO_BACKGROUND_WORKERS } from "./page-scripts.ts";

/**
 * The credential guard inside the browser: request interception on every page of a
 * context screens each request before Chromium sends it (TLS included, which the proxy
 * cannot read). Which guard applies is asked per request, so a page prepared ahead of a
 * hook (the warm start) is guarded by the guard of the hook that holds it, and by none
 * (every request refused) while no hook does.
 */

/** The guard in force and where its refusals go; undefined: no hook holds the page. */
export interface PageBinding {
  readonly guard: BrowserGuard;
  readonly onRefused: (error: HotspotError) => void;
}

export type CurrentBinding = () => PageBinding | undefined;

/** Guards `page`: no service or shared workers, every request screened. */
export async function guardPage(page: Page, current: CurrentBinding): Promise<void> {
  // Service and shared workers are targets of their own, outside the page's request
  // interception: a page could hand them a typed password to send over TLS unseen. A
  // portal login needs neither, so every document of the page loses both APIs.
  await page.evaluateOnNewDocument(NO_BACKGROUND_WORKERS);
  await page.setBypassServiceWorker(true);
  await page.setRequestInterception(true);
  page.on("request", (request: HTTPRequest) => void screen(request, current));
}

async function screen(request: HTTPRequest, current: CurrentBinding): Promise<void> {
  if (request.isInterceptResolutionHandled()) return;
  try {
    const url = new URL(request.url());
    if (url.protocol === "http:" || url.protocol === "https:") {
      const binding = current();
      if (binding === undefined) {
        // A page between hooks has nobody's link and nobody's guard: nothing leaves.
        await request.abort("blockedbyclient");
        return;
      }
      const body = request.hasPostData()
        ? (request.postData() ?? (await request.fetchPostData()))
        : undefined;
      const problem = binding.guard.check({
        url,
        method: request.method(),
        headers: request.headers(),
        body,
      });
      // Asked again after the await: the hook may have ended while the body was read.
      if (problem !== undefined || current() !== binding) {
        if (problem !== undefined) binding.onRefused(problem);
        await request.abort("blockedbyclient");
        return;
      }
    }
    await request.continue();
  } catch {
    // the page or the browser went away while deciding: nothing is sent then either
  }
}
