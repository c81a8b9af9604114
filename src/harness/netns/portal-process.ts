import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { hotspotError } from "../../errors.ts";
import type { PortalCredentials, ReceivedCredential, RequestLogEntry } from "../types.ts";
import { lineReader, type PortalCommand, type PortalProcessConfig, portalEventSchema } from "./protocol.ts";

/**
 * The harness's handle on the portal process inside the access-point namespace: it starts
 * `ip netns exec <ap> node --import tsx portal-main.ts`, sends the config, and mirrors what
 * the process reports (request log, credentials, the garden) into live arrays, like a
 * loopback Portal's.
 */

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** Run from src/, the entry is TypeScript and needs tsx; run from dist/, it is plain JavaScript. */
const FROM_SOURCE = import.meta.url.endsWith(".ts");
const ENTRY = fileURLToPath(new URL(FROM_SOURCE ? "./portal-main.ts" : "./portal-main.js", import.meta.url));

export interface NamespacePortal {
  readonly url: string;
  readonly probeUrl: string;
  readonly httpsUrl?: string;
  readonly apiUrl?: string;
  readonly credentials: PortalCredentials;
  readonly log: readonly RequestLogEntry[];
  readonly receivedCredentials: readonly ReceivedCredential[];
  /** Clients the garden lets through, as last reported. */
  readonly authorizedClients: ReadonlySet<string>;
  /**
   * Resolves when the garden has `client` in the wanted state (the nftables set too).
   * Rejects with HH_HARNESS_NETNS_FAILED if the portal process has exited.
   */
  gardenState(client: string, authorized: boolean): Promise<void>;
  /** Sends a command; dropped once the process has exited. */
  send(command: PortalCommand): void;
  /** Output the process wrote to stderr, for diagnostics. */
  stderr(): string;
  readonly pid: number | undefined;
  close(): Promise<void>;
}

export async function startPortalProcess(
  netns: string,
  config: PortalProcessConfig,
  onRequest?: (entry: RequestLogEntry) => void,
): Promise<NamespacePortal> {
  const child: ChildProcess = spawn(
    "ip",
    ["netns", "exec", netns, process.execPath, ...(FROM_SOURCE ? ["--import", "tsx"] : []), ENTRY],
    { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] },
  );
  const log: RequestLogEntry[] = [];
  const received: ReceivedCredential[] = [];
  const authorized = new Set<string>();
  const waiters: { client: string; want: boolean; resolve: () => void; reject: (e: Error) => void }[] = [];
  let stderr = "";
  let gone: string | undefined;
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (c: string) => {
    stderr += c;
  });
  // Without these listeners a write to a process that has died (EPIPE) or a failed spawn
  // would be an uncaught 'error' and take the whole test process down.
  child.stdin?.on("error", (e) => {
    stderr += `stdin: ${e.message}\n`;
  });
  const exited = new Promise<void>((resolve) => {
    const end = (why: string) => {
      gone ??= why;
      for (const w of waiters.splice(0)) w.reject(exitedError(gone, stderr));
      resolve();
    };
    child.once("exit", (code, signal) => end(`exited with ${code ?? signal}`));
    child.once("error", (e) => end(`could not run: ${e.message}`));
  });

  const ready = new Promise<Extract<ReturnType<typeof portalEventSchema.parse>, { type: "ready" }>>(
    (resolve, reject) => {
      const fail = (reason: string) =>
        reject(
          hotspotError("HH_HARNESS_NETNS_FAILED", {
            step: "portal process",
            reason: `${reason}\n${stderr}`.trim(),
          }),
        );
      child.once("exit", (code) => fail(`exited with ${code} before it was ready`));
      child.stdout?.setEncoding("utf8");
      child.stdout?.on(
        "data",
        lineReader((line) => {
          let raw: unknown;
          try {
            raw = JSON.parse(line);
          } catch {
            stderr += `${line}\n`;
            return;
          }
          const parsed = portalEventSchema.safeParse(raw);
          if (!parsed.success) {
            stderr += `unexpected: ${line}\n`;
            return;
          }
          const e = parsed.data;
          if (e.type === "ready") resolve(e);
          else if (e.type === "request") {
            log.push(e.entry);
            onRequest?.(e.entry);
          } else if (e.type === "credential") {
            const { username, password, host, path } = e.credential;
            received.push({
              host,
              path,
              ...(username === undefined ? {} : { username }),
              ...(password === undefined ? {} : { password }),
            });
          } else if (e.type === "error") fail(e.message);
          else {
            if (e.authorized) authorized.add(e.client);
            else authorized.delete(e.client);
            for (const w of [...waiters]) {
              if (w.client === e.client && w.want === e.authorized) {
                waiters.splice(waiters.indexOf(w), 1);
                w.resolve();
              }
            }
          }
        }),
      );
    },
  );
  child.stdin?.write(`${JSON.stringify(config)}\n`);
  const close = async () => {
    child.stdin?.end();
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };
  let r: Awaited<typeof ready>;
  try {
    r = await ready;
  } catch (e) {
    child.kill("SIGKILL");
    await exited;
    throw e;
  }
  return {
    url: r.url,
    probeUrl: r.probeUrl,
    credentials: r.credentials,
    ...(r.httpsUrl === undefined ? {} : { httpsUrl: r.httpsUrl }),
    ...(r.apiUrl === undefined ? {} : { apiUrl: r.apiUrl }),
    log,
    receivedCredentials: received,
    authorizedClients: authorized,
    gardenState: (client, want) => {
      if (authorized.has(client) === want) return Promise.resolve();
      if (gone !== undefined) return Promise.reject(exitedError(gone, stderr));
      return new Promise((resolve, reject) => waiters.push({ client, want, resolve, reject }));
    },
    send: (command) => {
      if (gone === undefined) child.stdin?.write(`${JSON.stringify(command)}\n`);
    },
    stderr: () => stderr,
    pid: child.pid,
    close,
  };
}

function exitedError(why: string, stderr: string): Error {
  return hotspotError("HH_HARNESS_NETNS_FAILED", {
    step: "portal process",
    reason: `${why}\n${stderr}`.trim(),
  });
}
