import { connect as connectSocket } from "node:net";
import type { ConnectionTransport } from "puppeteer-core";
import { z } from "zod";
import { hotspotError } from "../errors.ts";
import { frame, frameReader } from "./cdp-frames.ts";
import { puppeteer } from "./puppeteer.ts";
import type { BrowserLease } from "./warm-instance.ts";

/**
 * A warm tab leased across processes. The daemon owns the warm Chromium; a plugin's hooks
 * run in a child process of their own. The lease the daemon hands over is plain data (it
 * crosses the IPC channel as a structured clone): where the relay listens, the lease's
 * token, and which browser context is the lease's. The child connects puppeteer to it and
 * takes the one tab in that context, already bound by the daemon to the hook's link and
 * guarded with the plugin's credential guard (the daemon's interception, which the
 * plugin's connection cannot switch off).
 */

export const warmLeaseDataSchema = z
  .object({
    /** The relay's Unix socket (cdp-relay.ts), in a folder only the daemon's user can open. */
    socketPath: z.string().min(1).max(107),
    /** Proves the connection holds this lease; the relay refuses it once the lease is released. */
    token: z.string().min(16).max(200),
    /** The leased browser context: its one tab is the hook's. */
    browserContextId: z.string().min(1).max(200),
  })
  .strict();

export type WarmLeaseData = z.infer<typeof warmLeaseDataSchema>;

/** puppeteer's transport over the relay's socket, with the NUL framing of Chromium's pipe. */
function relayTransport(data: WarmLeaseData): Promise<ConnectionTransport> {
  return new Promise((resolve, reject) => {
    const socket = connectSocket(data.socketPath);
    const transport: ConnectionTransport = {
      send(message) {
        socket.write(`${message}\0`);
      },
      close() {
        socket.destroy();
      },
    };
    socket.on(
      "data",
      frameReader((text) => transport.onmessage?.(text)),
    );
    socket.once("error", reject);
    socket.on("close", () => transport.onclose?.());
    socket.once("connect", () => {
      socket.write(frame({ token: data.token }));
      resolve(transport);
    });
  });
}

/**
 * Connects to a warm lease given as plain data; the lease's `release` only disconnects
 * (the daemon releases the lease itself when the hook ends). Rejects with
 * HH_BROWSER_LAUNCH_FAILED when the lease is gone or holds no tab.
 */
export async function connectWarmLease(given: unknown): Promise<BrowserLease> {
  const data = warmLeaseDataSchema.parse(given);
  const failed = (reason: string, cause?: unknown) =>
    hotspotError("HH_BROWSER_LAUNCH_FAILED", { executable: "warm browser", reason }, { cause });
  const { connect } = puppeteer();
  let browser: import("puppeteer-core").Browser;
  try {
    browser = await connect({
      transport: await relayTransport(data),
      // The tab keeps the viewport the daemon gave it; emulating it again from here is one
      // more round trip through the relay on the login's path.
      defaultViewport: null,
    });
  } catch (e) {
    throw failed(e instanceof Error ? e.message : String(e), e);
  }
  const context = browser.browserContexts().find((c) => c.id === data.browserContextId);
  const page = context === undefined ? undefined : (await context.pages())[0];
  if (page === undefined) {
    await browser.disconnect().catch(() => undefined);
    throw failed("the leased browser context holds no tab");
  }
  let released = false;
  return {
    page,
    async release() {
      if (released) return;
      released = true;
      await browser.disconnect().catch(() => undefined);
    },
  };
}
