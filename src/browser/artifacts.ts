import { mkdir, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import type { Page } from "puppeteer-core";
import type { SecretSet } from "../util/redact.ts";
import { maskSecrets } from "./page-scripts.ts";

/**
 * What a failed browser step leaves for the person debugging it: a screenshot and the
 * page's HTML, with the plugin's secrets masked. Field values are masked in the page
 * before the screenshot (a typed username is as visible as any text), and the HTML is
 * redacted with the same secret set as the logs.
 */

/**
 * The default folder: `$STATE_DIRECTORY/browser-failures` under systemd (the daemon's state
 * directory), else `$XDG_STATE_HOME/hotspot-helper/browser-failures`.
 */
export function defaultArtifactsRoot(env: NodeJS.ProcessEnv = process.env): string {
  const service = env.STATE_DIRECTORY?.split(":")[0];
  if (service && isAbsolute(service)) return join(service, "browser-failures");
  const xdg = env.XDG_STATE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), ".local", "state");
  return join(base, "hotspot-helper", "browser-failures");
}

/** A folder name that sorts by time and cannot escape the root. */
function folderName(pluginId: string, step: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const safe = (s: string): string => s.replace(/[^A-Za-z0-9_-]+/g, "-").slice(0, 40);
  return `${stamp}-${safe(pluginId)}-${safe(step)}`;
}

/**
 * Saves `page.png` and `page.html` into a new folder under `root`; returns the folder, or
 * undefined when nothing could be saved (the page or the browser is already gone).
 */
export async function saveFailureArtifacts(
  page: Page,
  opts: {
    readonly root: string;
    readonly pluginId: string;
    readonly step: string;
    readonly secrets: SecretSet;
    /** The secrets' raw values, to mask text that shows them (read in an isolated world the page cannot see). */
    readonly raw: readonly string[];
  },
): Promise<string | undefined> {
  const dir = join(opts.root, folderName(opts.pluginId, opts.step));
  try {
    const html = opts.secrets.redact(await page.content());
    await inIsolatedWorld(page, maskSecrets(opts.raw));
    const png = await page.screenshot({ type: "png" });
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(join(dir, "page.html"), html, { mode: 0o600 });
    await writeFile(join(dir, "page.png"), png, { mode: 0o600 });
    return dir;
  } catch {
    return undefined;
  }
}

/** Evaluates `expression` in a fresh isolated world of the main frame (DevTools' Page.createIsolatedWorld). */
async function inIsolatedWorld(page: Page, expression: string): Promise<void> {
  const cdp = await page.createCDPSession();
  try {
    const tree = await cdp.send("Page.getFrameTree");
    const world = await cdp.send("Page.createIsolatedWorld", {
      frameId: tree.frameTree.frame.id,
      worldName: "hotspot-helper-mask",
    });
    await cdp.send("Runtime.evaluate", { expression, contextId: world.executionContextId });
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}
