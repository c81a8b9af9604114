import type { Browser, CDPSession } from "puppeteer-core";
import { z } from "zod";
import type { CurrentBinding } from "./page-guard.ts";
import { NO_BACKGROUND_WORKERS } from "./page-scripts.ts";

/**
 * The credential guard on every tab and frame that appears after the browser started: a
 * tab the plugin opens (`newPage()`), a popup of the portal (`window.open`, `target=_blank`),
 * and their out-of-process frames. puppeteer resumes a new target as soon as it has attached
 * to it, before anyone can switch its request interception on, so a guard set up from its
 * `targetcreated` event lets the target's first requests go out unscreened (a popup opened
 * with a URL carrying the typed password, over TLS, where the proxy cannot read it).
 *
 * So the daemon keeps a DevTools session of its own that auto-attaches to every new target
 * with `waitForDebuggerOnStart`: Chromium holds each new target until every client that
 * asked so lets it run, and this one does only after request interception (the Fetch
 * domain) is on in it, with the service and shared worker APIs removed as on the first tab.
 * Requests are then screened with the binding in force (page-guard.ts's rule: none while no
 * hook holds the browser).
 */

const attached = z
  .object({
    sessionId: z.string(),
    targetInfo: z.object({ targetId: z.string(), type: z.string() }).passthrough(),
    waitingForDebugger: z.boolean(),
  })
  .passthrough();

const paused = z
  .object({
    requestId: z.string(),
    request: z
      .object({
        url: z.string(),
        method: z.string(),
        headers: z.record(z.string(), z.string()),
        hasPostData: z.boolean().optional(),
        postData: z.string().optional(),
        postDataEntries: z.array(z.object({ bytes: z.string().optional() }).passthrough()).optional(),
      })
      .passthrough(),
  })
  .passthrough();

/** Targets that load web content: these get the guard. Others (workers) are only let run. */
const GUARDED = new Set(["page", "iframe"]);

export interface TargetGuard {
  /** Stops guarding targets that appear from now on (those guarded stay guarded). */
  close(): Promise<void>;
}

/**
 * Guards every target that appears in `browser` from now on, with their frames. Targets
 * already there are left alone (guard them with guardPage before they navigate).
 */
export async function guardNewTargets(browser: Browser, current: CurrentBinding): Promise<TargetGuard> {
  const root = await browser.target().createCDPSession();
  const watch = (session: CDPSession): void => {
    session.on("Target.attachedToTarget", (event: unknown) => {
      const e = attached.safeParse(event);
      if (!e.success) return;
      const child = session.connection()?.session(e.data.sessionId);
      if (!child) return;
      void hold(child, e.data.targetInfo.type, e.data.waitingForDebugger);
    });
  };
  const hold = async (child: CDPSession, type: string, waiting: boolean): Promise<void> => {
    // Attached because it was there already: someone else's to guard.
    if (!waiting) return;
    try {
      if (GUARDED.has(type)) {
        child.on("Fetch.requestPaused", (event: unknown) => void screen(child, event, current));
        await Promise.all([
          child.send("Fetch.enable", { patterns: [{ urlPattern: "*", requestStage: "Request" }] }),
          // Best effort: a frame target may not take these; its requests are screened anyway.
          child
            .send("Page.addScriptToEvaluateOnNewDocument", { source: NO_BACKGROUND_WORKERS })
            .catch(() => undefined),
          child.send("Network.setBypassServiceWorker", { bypass: true }).catch(() => undefined),
        ]);
      }
      // Its own frames and workers are held the same way until guarded.
      watch(child);
      await child.send("Target.setAutoAttach", {
        autoAttach: true,
        waitForDebuggerOnStart: true,
        flatten: true,
      });
    } catch {
      // Not guarded (it went away while being set up, or refused): it is never let run.
      return;
    }
    await child.send("Runtime.runIfWaitingForDebugger").catch(() => undefined);
  };
  watch(root);
  // Existing targets attach too (not waiting): they are left as they are.
  await root.send("Target.setAutoAttach", { autoAttach: true, waitForDebuggerOnStart: true, flatten: true });
  return {
    async close() {
      await root.detach().catch(() => undefined);
    },
  };
}

async function screen(session: CDPSession, event: unknown, current: CurrentBinding): Promise<void> {
  const e = paused.safeParse(event);
  if (!e.success) return;
  const { requestId, request } = e.data;
  const block = () =>
    session.send("Fetch.failRequest", { requestId, errorReason: "BlockedByClient" }).catch(() => undefined);
  try {
    const url = new URL(request.url);
    if (url.protocol === "http:" || url.protocol === "https:") {
      const binding = current();
      if (binding === undefined) return void (await block());
      const body = postData(request);
      // A body Chromium did not hand over cannot be read, so it does not leave.
      if (body === null) return void (await block());
      const problem = binding.guard.check({ url, method: request.method, headers: request.headers, body });
      if (problem !== undefined || current() !== binding) {
        if (problem !== undefined) binding.onRefused(problem);
        return void (await block());
      }
    }
    await session.send("Fetch.continueRequest", { requestId }).catch(() => undefined);
  } catch {
    await block();
  }
}

/** The request's body as text; undefined without one, null when Chromium did not include it. */
function postData(request: z.infer<typeof paused>["request"]): string | undefined | null {
  if (request.postDataEntries !== undefined)
    return request.postDataEntries.map((p) => Buffer.from(p.bytes ?? "", "base64").toString("utf8")).join("");
  if (request.postData !== undefined) return request.postData;
  return request.hasPostData === true ? null : undefined;
}
