import { timingSafeEqual } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { z } from "zod";
import { frame, frameReader } from "./cdp-frames.ts";
import { checkCommand, TARGET_SCOPED } from "./cdp-policy.ts";

/**
 * A plugin's own DevTools connection to the daemon's warm Chromium, without a DevTools port:
 * the daemon talks to Chromium over a pipe (no other local process can attach), and this
 * relay, on a Unix socket in a folder only the daemon's user can open, gives one lease
 * holder a session of its own on that pipe. Each connection proves it holds the current
 * lease (its token), gets a browser-level session of its own
 * (`Target.attachToBrowserTarget`), and is kept to the leased browser context and to the
 * web by cdp-policy.ts. Messages on the pipe are told apart by id (ours count from
 * FIRST_ID; the daemon's puppeteer counts from 1 and ignores answers it did not ask for)
 * and by session id.
 */

const FIRST_ID = 1_000_000_000;
const MAX_ID = 2 ** 31 - 1;

const command = z
  .object({
    id: z.number().int().nonnegative().max(MAX_ID),
    method: z.string().min(1).max(200),
    params: z.unknown().optional(),
    sessionId: z.string().min(1).max(200).optional(),
  })
  .strict();
const hello = z.object({ token: z.string().min(1).max(200) }).strict();
const targetInfo = z.object({ targetId: z.string(), browserContextId: z.string().optional() }).passthrough();
const received = z
  .object({
    id: z.number().optional(),
    method: z.string().optional(),
    sessionId: z.string().optional(),
    params: z.unknown().optional(),
    result: z.unknown().optional(),
    error: z.unknown().optional(),
  })
  .passthrough();
type Received = z.infer<typeof received>;

export interface CdpRelay {
  /** The Unix socket a lease holder connects to. */
  readonly socketPath: string;
  /** Accepts connections presenting `token`, scoped to browser context `contextId`. */
  open(lease: { readonly token: string; readonly contextId: string }): void;
  /** Cuts every connection and accepts none until the next `open`. */
  revoke(): void;
  close(): Promise<void>;
}

interface Client {
  readonly socket: Socket;
  browserSession?: string;
  readonly sessions: Set<string>;
}

export async function startCdpRelay(pipe: {
  readonly write: Writable;
  readonly read: Readable;
}): Promise<CdpRelay> {
  const dir = await mkdtemp(join(tmpdir(), "hotspot-cdp-"));
  const socketPath = join(dir, "cdp.sock");
  let lease: { readonly token: Buffer; readonly contextId: string } | undefined;
  const clients = new Set<Client>();
  const pending = new Map<number, (answer: Received) => void>();
  let nextId = FIRST_ID;

  const call = (method: string, params: unknown, sessionId?: string): Promise<Received> =>
    new Promise((resolve) => {
      if (nextId >= MAX_ID) nextId = FIRST_ID;
      const id = nextId++;
      pending.set(id, resolve);
      pipe.write.write(frame({ id, method, params, ...(sessionId === undefined ? {} : { sessionId }) }));
    });

  const inContext = (info: unknown): boolean => {
    const t = targetInfo.safeParse(info);
    return t.success && lease !== undefined && t.data.browserContextId === lease.contextId;
  };

  /** A target of another context attached through the plugin's auto-attach: let go of it unseen. */
  const foreign = (m: Received): boolean => {
    if (
      m.method !== "Target.attachedToTarget" &&
      m.method !== "Target.targetCreated" &&
      m.method !== "Target.targetInfoChanged"
    )
      return false;
    const p = z
      .object({ targetInfo: z.unknown(), sessionId: z.string().optional() })
      .passthrough()
      .safeParse(m.params);
    if (!p.success) return true;
    const info = targetInfo.safeParse(p.data.targetInfo);
    if (info.success && info.data.browserContextId === undefined) return false; // the browser target itself
    return !inContext(p.data.targetInfo);
  };

  const route = (m: Received): void => {
    if (m.id !== undefined) {
      const answer = pending.get(m.id);
      if (answer) {
        pending.delete(m.id);
        answer(m);
      }
      return;
    }
    if (m.sessionId === undefined) return;
    for (const c of clients) {
      const own = m.sessionId === c.browserSession;
      if (!own && !c.sessions.has(m.sessionId)) continue;
      const params = z.object({ sessionId: z.string() }).passthrough().safeParse(m.params);
      if (foreign(m)) {
        if (m.method === "Target.attachedToTarget" && params.success)
          void call("Target.detachFromTarget", { sessionId: params.data.sessionId }, c.browserSession);
        return;
      }
      if (m.method === "Target.attachedToTarget" && params.success) c.sessions.add(params.data.sessionId);
      if (m.method === "Target.detachedFromTarget" && params.success)
        c.sessions.delete(params.data.sessionId);
      const { sessionId: _, ...rest } = m;
      c.socket.write(frame(own ? rest : m));
      return;
    }
  };
  const tap = frameReader((text) => {
    try {
      const m = received.safeParse(JSON.parse(text));
      if (m.success) route(m.data);
    } catch {
      // not JSON: not ours to read
    }
  });
  pipe.read.on("data", tap);

  const serve = (c: Client, text: string): void => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      c.socket.destroy();
      return;
    }
    const cmd = command.safeParse(parsed);
    const contextId = lease?.contextId;
    if (!cmd.success || contextId === undefined || c.browserSession === undefined) {
      c.socket.destroy();
      return;
    }
    const { id, method, params, sessionId } = cmd.data;
    const refuse = (reason: string): void => {
      c.socket.write(
        frame({ id, ...(sessionId ? { sessionId } : {}), error: { code: -32000, message: reason } }),
      );
    };
    if (sessionId !== undefined && !c.sessions.has(sessionId)) {
      refuse("unknown session");
      return;
    }
    const verdict = checkCommand(method, params, sessionId === undefined ? "browser" : "page", contextId);
    if (!verdict.ok) {
      refuse(verdict.reason);
      return;
    }
    void (async () => {
      if (sessionId === undefined && TARGET_SCOPED.has(method)) {
        const info = await call("Target.getTargetInfo", params, c.browserSession);
        const t = z.object({ targetInfo: z.unknown() }).safeParse(info.result);
        if (!t.success || !inContext(t.data.targetInfo))
          return refuse(`${method} outside the leased browser context`);
      }
      const answer = await call(method, params, sessionId ?? c.browserSession);
      const attached = z.object({ sessionId: z.string() }).safeParse(answer.result);
      if (method === "Target.attachToTarget" && attached.success) c.sessions.add(attached.data.sessionId);
      const { id: _, sessionId: __, ...rest } = answer;
      if (!c.socket.destroyed) c.socket.write(frame({ id, ...(sessionId ? { sessionId } : {}), ...rest }));
    })();
  };

  const server = createServer((socket) => {
    const c: Client = { socket, sessions: new Set() };
    let authed = false;
    const queue: string[] = [];
    socket.on("error", () => socket.destroy());
    socket.on("close", () => {
      clients.delete(c);
      if (c.browserSession !== undefined)
        void call("Target.detachFromTarget", { sessionId: c.browserSession });
    });
    socket.on(
      "data",
      frameReader(
        (text) => {
          if (authed) {
            if (c.browserSession === undefined) queue.push(text);
            else serve(c, text);
            return;
          }
          let h: ReturnType<typeof hello.safeParse> | undefined;
          try {
            h = hello.safeParse(JSON.parse(text));
          } catch {
            h = undefined;
          }
          const token = h?.success ? Buffer.from(h.data.token) : undefined;
          if (
            !lease ||
            !token ||
            token.length !== lease.token.length ||
            !timingSafeEqual(token, lease.token)
          ) {
            socket.destroy();
            return;
          }
          authed = true;
          clients.add(c);
          void call("Target.attachToBrowserTarget", {}).then((answer) => {
            const s = z.object({ sessionId: z.string() }).safeParse(answer.result);
            if (!s.success || socket.destroyed) return socket.destroy();
            c.browserSession = s.data.sessionId;
            for (const t of queue.splice(0)) serve(c, t);
          });
        },
        () => socket.destroy(),
      ),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => resolve());
  });

  const revoke = (): void => {
    lease = undefined;
    for (const c of clients) c.socket.destroy();
    clients.clear();
  };
  return {
    socketPath,
    open(l) {
      revoke();
      lease = { token: Buffer.from(l.token), contextId: l.contextId };
    },
    revoke,
    async close() {
      revoke();
      pipe.read.off("data", tap);
      await new Promise<void>((r) => server.close(() => r()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
