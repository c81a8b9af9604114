import { execFile } from "node:child_process";
import { type HotspotError, hotspotError } from "../../errors.ts";
import { NMCLI_LOCALE } from "./env-guard.ts";

export interface NmcliOptions {
  /** D-Bus address nmcli should find NetworkManager on (as `DBUS_SYSTEM_BUS_ADDRESS`). */
  readonly busAddress?: string;
  /** Kill nmcli after this long. Default 20000 ms (a `--rescan yes` list may wait 15 s). */
  readonly timeoutMs?: number;
  /** The environment to start from. Default `process.env` (read, never modified). */
  readonly env?: NodeJS.ProcessEnv;
  /** The program. Default `nmcli` from PATH. */
  readonly command?: string;
}

/**
 * The environment nmcli runs in: the caller's, with a fixed UTF-8, untranslated locale
 * (see NMCLI_LOCALE) and the bus address when one is given. Built per call: process.env is
 * never touched.
 */
export function nmcliEnv(options: NmcliOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
  for (const [k, v] of Object.entries(NMCLI_LOCALE)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  if (options.busAddress !== undefined) env.DBUS_SYSTEM_BUS_ADDRESS = options.busAddress;
  return env;
}

/** nmcli's ways of saying it could not reach NetworkManager (nmcli 1.42, C locale). */
const UNREACHABLE_RE = /Could not create NMClient object|NetworkManager is not running|Could not connect/;

/** The first line nmcli wrote to stderr, without its `Error: ` prefix. */
function firstLine(text: string): string {
  const line = text.split("\n").find((l) => l.trim() !== "") ?? "";
  return line.replace(/^Error:\s*/, "").trim();
}

/**
 * Maps a failed nmcli run to a coded error: not installed → HH_NMCLI_UNAVAILABLE, no
 * NetworkManager (or no bus) → HH_NM_UNAVAILABLE, anything else → HH_NM_CALL_FAILED with
 * nmcli's own message.
 */
export function nmcliFailure(
  args: readonly string[],
  e: { code?: unknown; killed?: boolean; signal?: unknown } | undefined,
  stderr: string,
  options: NmcliOptions,
): HotspotError {
  const what = `nmcli ${args.join(" ")}`;
  const bus = options.busAddress ?? "the system bus";
  if (e?.code === "ENOENT" || e?.code === "EACCES") {
    return hotspotError("HH_NMCLI_UNAVAILABLE", {
      reason: `${options.command ?? "nmcli"}: ${String(e.code)}`,
    });
  }
  if (e?.killed === true || e?.signal === "SIGTERM") {
    return hotspotError("HH_NM_CALL_FAILED", {
      method: what,
      reason: `no answer within ${options.timeoutMs ?? 20_000} ms`,
    });
  }
  const reason = firstLine(stderr) || `exit code ${String(e?.code ?? "?")}`;
  if (UNREACHABLE_RE.test(stderr))
    return hotspotError("HH_NM_UNAVAILABLE", { bus, reason: `nmcli: ${reason}` });
  return hotspotError("HH_NM_CALL_FAILED", { method: what, reason });
}

/**
 * Runs nmcli with arguments only (no shell, nothing secret: we only ever read) and resolves
 * with its stdout. Rejects with a coded error (see `nmcliFailure`).
 */
export function runNmcli(args: readonly string[], options: NmcliOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      options.command ?? "nmcli",
      [...args],
      {
        env: nmcliEnv(options),
        timeout: options.timeoutMs ?? 20_000,
        maxBuffer: 16 * 1024 * 1024,
        encoding: "utf8",
      },
      (error, stdout, stderr) => {
        if (error) reject(nmcliFailure(args, error, stderr, options));
        else resolve(stdout);
      },
    );
  });
}
