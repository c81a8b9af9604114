import { createHash, X509Certificate } from "node:crypto";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { Browser } from "puppeteer-core";
import { hotspotError } from "../errors.ts";
import { puppeteer } from "./puppeteer.ts";

/**
 * Starting the system Chromium for a login or a portal window. Every launch gets a fresh
 * profile folder (removed on close), runs headless unless asked otherwise, talks to us over
 * a pipe (no DevTools port another local process could attach to), and has Chromium's own
 * background traffic switched off: on a captive network every request it makes on its own
 * is either blocked by the portal or leaks what the machine is doing.
 */

/** Where Debian, Ubuntu and Fedora put Chromium or Chrome; the real binary before the shell wrappers. */
const CANDIDATES = [
  "/usr/lib/chromium/chromium",
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/lib64/chromium-browser/chromium-browser",
  "/usr/bin/google-chrome-stable",
  "/usr/bin/google-chrome",
  "/snap/bin/chromium",
] as const;

/**
 * Chromium's headless shell (Debian, Ubuntu: `chromium-headless-shell`), preferred for
 * headless launches when installed: the same engine without the browser's UI layer, so a
 * warm instance with its tab is four processes and about 165 MB of PSS (40 MB of it its
 * own) instead of five and 280 MB (75 MB), and it starts faster. It cannot show a window.
 */
const HEADLESS_CANDIDATES = [
  "/usr/lib/chromium/chromium-headless-shell",
  "/usr/bin/chromium-headless-shell",
] as const;

const CHROMIUM_ENV = "HOTSPOT_CHROMIUM";

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium executable: `executablePath` when given, else `$HOTSPOT_CHROMIUM`, else the
 * first of the usual install locations (the headless shell first when `headless`). An
 * explicit path that is not executable is an error rather than a silent fall-back, so an
 * operator's setting is never ignored. Throws HH_BROWSER_MISSING (which names
 * `chromium-headless-shell` for headless launches and `chromium`, the only one a window can use).
 */
export function findChromium(
  executablePath?: string,
  env: NodeJS.ProcessEnv = process.env,
  headless = false,
): string {
  const explicit = executablePath ?? (env[CHROMIUM_ENV] === "" ? undefined : env[CHROMIUM_ENV]);
  if (explicit !== undefined) {
    if (isExecutable(explicit)) return explicit;
    throw hotspotError("HH_BROWSER_MISSING", { detail: `${explicit} is not an executable file`, headless });
  }
  const found = [...(headless ? HEADLESS_CANDIDATES : []), ...CANDIDATES].find(isExecutable);
  if (found !== undefined) return found;
  const looked = [...(headless ? HEADLESS_CANDIDATES : []), ...CANDIDATES];
  throw hotspotError("HH_BROWSER_MISSING", { detail: `looked in ${looked.join(", ")}`, headless });
}

/** Whether a Chromium is installed (callers that can do without one, such as the click-through fallback). */
export function chromiumAvailable(executablePath?: string, env: NodeJS.ProcessEnv = process.env): boolean {
  try {
    findChromium(executablePath, env);
    return true;
  } catch {
    return false;
  }
}

/**
 * Features switched off on top of puppeteer's defaults (which already disable Translate,
 * MediaRouter, OptimizationHints). HttpsUpgrades and HttpsFirstBalancedModeAutoEnable would
 * try https:// first for a typed http:// URL, which a portal blocks or intercepts; the rest
 * are background fetches (autofill, interest groups, captive-portal detection of its own,
 * network prediction).
 */
const DISABLED_FEATURES = [
  "HttpsUpgrades",
  "HttpsFirstBalancedModeAutoEnable",
  "AutofillServerCommunication",
  "CertificateTransparencyComponentUpdater",
  "InterestFeedContentSuggestions",
  "PrivacySandboxSettings4",
  "NetworkTimeServiceQuerying",
  "MediaRouter",
  "Translate",
  "OptimizationHints",
  "DialMediaRouteProvider",
  "CaptivePortalInterstitial",
  "NetworkPrediction",
  // Chromium 13x+ preloads its "top chrome" WebUIs (the omnibox popup and its AI-mode
  // variant) into a renderer of their own at start-up, headless too: about 80 MB of PSS
  // and most of a CPU-second of script for a browser nobody types an address into.
  "PreloadTopChromeWebUI",
  "WebUIOmniboxPopup",
  "WebUIOmniboxAimPopup",
  "WebUIOmniboxFullPopup",
  // A renderer started ahead for the next navigation: the warm start prepares its tab
  // itself, and a login has no next tab.
  "SpareRendererForSitePerProcess",
] as const;

/**
 * The network service in the browser process instead of a utility process of its own
 * (about 15 MB of PSS less): a throwaway browser for one portal page gains nothing from
 * isolating it.
 */
const ENABLED_FEATURES = ["NetworkServiceInProcess2"] as const;

/**
 * Flags on top of puppeteer's defaults (which include --disable-background-networking,
 * --disable-sync, --disable-component-extensions-with-background-pages, --no-first-run,
 * --metrics-recording-only, --disable-client-side-phishing-detection, --disable-breakpad).
 */
function chromiumArgs(opts: { readonly proxy?: string; readonly spkiPins?: readonly string[] }): string[] {
  const args = [
    "--disable-gpu",
    // With the GPU off, compositing in software inside the GPU thread of the browser
    // process: no GPU process, no SwiftShader (about 20 MB of PSS less). Portal pages need
    // neither WebGL nor accelerated canvas.
    "--in-process-gpu",
    "--disable-gpu-compositing",
    "--disable-software-rasterizer",
    "--disable-quic",
    "--disable-component-update",
    "--disable-domain-reliability",
    "--dns-prefetch-disable",
    "--no-pings",
    "--no-default-browser-check",
    "--safebrowsing-disable-auto-update",
    `--disable-features=${DISABLED_FEATURES.join(",")}`,
    `--enable-features=${ENABLED_FEATURES.join(",")}`,
    // WebRTC would otherwise send UDP around the proxy, on whatever link holds the route.
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--lang=en-US",
  ];
  // Chromium refuses to run as root with its sandbox; the daemon runs as root.
  if (process.getuid?.() === 0) args.push("--no-sandbox");
  if (opts.proxy !== undefined) {
    // `<-loopback>` removes the implicit bypass of localhost, so nothing skips our proxy.
    args.push(`--proxy-server=http://${opts.proxy}`, "--proxy-bypass-list=<-loopback>");
  }
  if (opts.spkiPins !== undefined && opts.spkiPins.length > 0)
    args.push(`--ignore-certificate-errors-spki-list=${opts.spkiPins.join(",")}`);
  return args;
}

export interface LaunchOptions {
  /** `host:port` of an HTTP proxy every request goes through (see proxy.ts). */
  readonly proxy?: string;
  /** Default true. The portal window (`hotspot portal`) shows it. */
  readonly headless?: boolean;
  /** Closes the browser (or abandons a launch in progress) when aborted. */
  readonly signal?: AbortSignal;
  /** Overrides findChromium()'s search (tests point it at a missing path). */
  readonly executablePath?: string;
  /** Run Chromium inside this network namespace (`ip netns exec`), for namespace-mode tests. */
  readonly netns?: string;
  /** SHA-256 SPKI pins (base64) of certificates to accept: a test portal's own one. */
  readonly spkiPins?: readonly string[];
  /** Launch timeout, ms; default 15 000. */
  readonly timeoutMs?: number;
  /** Extra command-line flags. */
  readonly args?: readonly string[];
  /** Folder the throwaway profile folder is made in; default the system temp folder. */
  readonly profileRoot?: string;
  /** Chromium's environment (a window needs DISPLAY or WAYLAND_DISPLAY); default this process's. */
  readonly env?: NodeJS.ProcessEnv;
}

export interface LaunchedBrowser {
  readonly browser: Browser;
  /** The throwaway profile folder (unique, so tests can find the processes by it). */
  readonly profileDir: string;
  readonly pid: number | undefined;
  /** Kills the browser's process group, waits for its exit, removes the profile. Idempotent. */
  close(): Promise<void>;
}

/** Launches Chromium; rejects with HH_BROWSER_MISSING or HH_BROWSER_LAUNCH_FAILED. */
export async function launchBrowser(opts: LaunchOptions = {}): Promise<LaunchedBrowser> {
  const headless = opts.headless ?? true;
  const chromium = findChromium(opts.executablePath, process.env, headless);
  // The shell is headless by itself; puppeteer then passes `--headless`, not `=new`.
  const shell = basename(chromium).includes("headless-shell");
  opts.signal?.throwIfAborted();
  const profileDir = await mkdtemp(join(opts.profileRoot ?? tmpdir(), "hotspot-chromium-"));
  let executablePath = chromium;
  if (opts.netns !== undefined) {
    // puppeteer starts the executable it is given with its flags; a wrapper that execs
    // into the namespace keeps the pid (and so puppeteer's process-group kill) Chromium's.
    executablePath = join(profileDir, "netns-chromium.sh");
    const q = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;
    await writeFile(executablePath, `#!/bin/sh\nexec ip netns exec ${q(opts.netns)} ${q(chromium)} "$@"\n`, {
      mode: 0o700,
    });
  }
  const { launch } = puppeteer();
  let browser: Browser;
  try {
    browser = await launch({
      executablePath,
      headless: shell ? "shell" : headless,
      pipe: true,
      userDataDir: join(profileDir, "profile"),
      args: [...chromiumArgs(opts), ...(opts.args ?? [])],
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      timeout: opts.timeoutMs ?? 15_000,
      defaultViewport: { width: 1280, height: 900 },
      ...(opts.env === undefined ? {} : { env: opts.env }),
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    });
  } catch (e) {
    await rm(profileDir, { recursive: true, force: true });
    opts.signal?.throwIfAborted();
    throw hotspotError(
      "HH_BROWSER_LAUNCH_FAILED",
      { executable: chromium, reason: e instanceof Error ? e.message.split("\n")[0] : String(e) },
      { cause: e },
    );
  }
  const pid = browser.process()?.pid;
  let closing: Promise<void> | undefined;
  const proc = browser.process();
  const exited = new Promise<void>((resolve) => {
    if (proc === null || proc.exitCode !== null || proc.signalCode !== null) resolve();
    else proc.once("exit", () => resolve());
  });
  const close = (): Promise<void> => {
    closing ??= (async () => {
      opts.signal?.removeEventListener("abort", onAbort);
      // No graceful shutdown: the profile is thrown away, so there is nothing to save, and
      // Chromium's own close takes most of a second. The whole process group goes at once
      // (renderers, zygotes, crashpad), and we wait for the exit so no zombie is left and
      // nothing writes into the profile while it is removed.
      killGroup(pid);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000).unref())]);
      await browser.disconnect().catch(() => undefined);
      await rm(profileDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
    })();
    return closing;
  };
  const onAbort = (): void => void close();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  if (opts.signal?.aborted) await close();
  return { browser, profileDir, pid, close };
}

/**
 * puppeteer starts Chromium as a process-group leader; its renderers, zygotes and the
 * crashpad handler are in that group. Killing the group leaves no orphan behind when the
 * graceful close did not finish.
 */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // the group is already gone
  }
}

/**
 * The SHA-256 SPKI pins (base64) of the PEM certificates in `ca`, for
 * `--ignore-certificate-errors-spki-list`: how a test portal's self-signed certificate is
 * trusted by Chromium, as `ca` makes the HTTP client trust it. Unparseable entries are skipped.
 */
export function spkiPins(ca: string | Buffer | readonly (string | Buffer)[]): string[] {
  const texts = (Array.isArray(ca) ? ca : [ca]).map((c: string | Buffer) => c.toString());
  const pems = texts.flatMap(
    (t) => t.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [],
  );
  const pins: string[] = [];
  for (const pem of pems) {
    try {
      const der = new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" });
      pins.push(createHash("sha256").update(der).digest("base64"));
    } catch {
      // not a certificate we can read: nothing to pin
    }
  }
  return pins;
}
