import type { Page } from "puppeteer-core";
import { type LinkFacts, linkTransport } from "../auth/link.ts";
import { hotspotError } from "../errors.ts";
import { type LaunchedBrowser, launchBrowser } from "./launch.ts";
import { type BrowserProxy, startBrowserProxy } from "./proxy.ts";

/**
 * The portal window a person finishes a login in (`hotspot portal`), as captive-browser does
 * it: a Chromium of its own with a throwaway profile (never the person's browser, its
 * cookies, extensions or saved passwords) whose every request goes through our proxy bound
 * to the Wi-Fi link, from the link's address and resolved by the link's DNS servers. So a
 * VPN holding the default route, or DNS-over-HTTPS in the person's own browser, cannot keep
 * the portal from loading. The window stays open until the person closes it.
 */

export interface PortalWindowOptions {
  readonly url: string;
  /** The joined link; without a usable address the proxy uses the default route and resolver. */
  readonly link?: LinkFacts;
  /** For tests only: no window, so the page can be checked without a display. */
  readonly headless?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  readonly executablePath?: string;
  /** Extra Chromium flags (tests: a namespace, certificate pins). */
  readonly args?: readonly string[];
  readonly signal?: AbortSignal;
}

export interface PortalWindow {
  readonly page: Page;
  readonly browser: LaunchedBrowser;
  /** The link-bound proxy the window uses. */
  readonly proxy: BrowserProxy;
  /** Resolves when the person closed the window (or it crashed); everything is cleaned up by then. */
  readonly closed: Promise<void>;
  /** Closes the window, the browser and the proxy. Idempotent. */
  close(): Promise<void>;
}

/** A window needs a graphical session. @throws HH_PORTAL_NO_DISPLAY */
export function requireDisplay(env: NodeJS.ProcessEnv): void {
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) throw hotspotError("HH_PORTAL_NO_DISPLAY");
}

/** Flags of the window on top of the launcher's: a window of its own that opens on Wayland too. */
export function portalWindowArgs(env: NodeJS.ProcessEnv): string[] {
  const args = ["--new-window", "--no-first-run", "--disable-session-crashed-bubble"];
  // Chromium picks X11 unless told; on a Wayland-only session it would find no display.
  if (env.WAYLAND_DISPLAY) args.push("--ozone-platform-hint=auto");
  return args;
}

export async function openPortalWindow(opts: PortalWindowOptions): Promise<PortalWindow> {
  const env = opts.env ?? process.env;
  const headless = opts.headless ?? false;
  if (!headless) requireDisplay(env);
  const url = new URL(opts.url);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw hotspotError("HH_USAGE", { message: `the portal URL must be http or https, not ${url.protocol}` });
  }
  const transport = linkTransport(opts.link, opts.signal ? { signal: opts.signal } : {});
  const proxy = await startBrowserProxy(transport);
  let browser: LaunchedBrowser;
  try {
    browser = await launchBrowser({
      proxy: proxy.address,
      headless,
      args: [...portalWindowArgs(env), ...(opts.args ?? [])],
      // The display checked above is the one the window opens on.
      env: { ...process.env, ...env },
      ...(opts.executablePath === undefined ? {} : { executablePath: opts.executablePath }),
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    });
  } catch (e) {
    await proxy.close();
    throw e;
  }
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await browser.close();
      await proxy.close();
    })();
    return closing;
  };
  const closed = new Promise<void>((resolve) => {
    browser.browser.once("disconnected", () => void close().then(resolve));
  });
  try {
    const [first] = await browser.browser.pages();
    const page = first ?? (await browser.browser.newPage());
    // The person may be slow and the portal slower; a load that does not finish still shows.
    await page.goto(url.href, { waitUntil: "domcontentloaded", timeout: 30_000 }).catch(() => undefined);
    return { page, browser, proxy, closed, close };
  } catch (e) {
    await close();
    throw e;
  }
}
