import { performance } from "node:perf_hooks";
import type { Fault, HostMode } from "./catalogue.ts";
import type { Install } from "./daemon-process.ts";
import { crashLine, readyLine } from "./host-lines.ts";
import { BOUNDS, FaultWorld, type LoginCheck } from "./world.ts";

/** Healthy logins tried and done in one phase of a fault run. */
export interface PhaseLogins {
  readonly tried: number;
  readonly done: number;
  readonly problems: readonly string[];
}

/** What happened to the faulty plugin after its fault. */
export type Aftermath =
  /** The daemon was done with the faulty call and a rejoin called the plugin again. */
  | "called again"
  /** A rejoin is held back by the daemon's per-network login backoff (it will call again later). */
  | "backing off"
  /** The host says it quarantined the plugin. */
  | "quarantined"
  /** Never loaded (an import fault), the daemon carrying on without it. */
  | "skipped at load"
  /** The daemon did not get that far. */
  | "n/a";

export interface FaultReport {
  readonly fault: Fault;
  readonly mode: HostMode;
  /** The daemon process ran to the end and served every healthy login tried. */
  readonly survived: boolean;
  readonly daemonExit?: string;
  /**
   * From the daemon's `→ Authenticating` with the faulty plugin (or, for an import fault,
   * from the daemon's spawn) to the daemon being done with it: the call ended (`→ Failure`
   * or another state) or, for an import fault, the daemon started without it. Undefined when
   * that never happened.
   */
  readonly recoveryMs?: number;
  /** From the host's line saying the plugin's process ended to its line saying a new one is ready. */
  readonly restartMs?: number;
  /** From the fault's start (as for recoveryMs) to the first line saying the plugin is quarantined. */
  readonly quarantineMs?: number;
  readonly aftermath: Aftermath;
  readonly before: PhaseLogins;
  readonly during: PhaseLogins;
  readonly after: PhaseLogins;
  /** Log lines the faulty plugin got into the daemon's log. */
  readonly pluginLogLines: number;
}

async function logins(world: FaultWorld): Promise<PhaseLogins> {
  const checks: LoginCheck[] = [];
  for (const which of [0, 1] as const) {
    const check = await world.healthyLogin(which);
    checks.push(check);
    // A hung daemon would make the next wait just as long: one miss is the verdict.
    if (!check.ok) break;
  }
  return {
    tried: 2,
    done: checks.filter((c) => c.ok).length,
    problems: checks.flatMap((c) => (c.why ? [c.why] : [])),
  };
}

const NONE: PhaseLogins = { tried: 0, done: 0, problems: [] };
const missed = (why: string): PhaseLogins => ({ tried: 2, done: 0, problems: [why] });

/**
 * One fault against one daemon: healthy logins before, the fault, healthy logins while it
 * runs, the daemon's answer to the faulty call, healthy logins after, then a rejoin of the
 * fault's network to see whether the plugin is called again or was quarantined. Never
 * throws for what the daemon does: every outcome is data in the report.
 */
export async function runFault(fault: Fault, mode: HostMode, install?: Install): Promise<FaultReport> {
  const world = await FaultWorld.start(fault, mode, install);
  try {
    return await scenario(world);
  } finally {
    await world.close();
  }
}

async function scenario(world: FaultWorld): Promise<FaultReport> {
  const { fault, mode, daemon } = world;
  const base = { fault, mode, pluginLogLines: 0 };
  /** When the fault struck: the daemon's spawn for an import fault, its → Authenticating otherwise. */
  let faultStart: number | undefined = fault.phase === "import" ? world.startedAtMs : undefined;
  const finish = (r: Omit<FaultReport, "fault" | "mode" | "pluginLogLines" | "survived" | "daemonExit">) => {
    const all = [r.before, r.during, r.after];
    const exit = daemon.exit;
    const q = daemon.lines.find((l) => /quarantin/i.test(l.message) && l.message.includes(fault.pluginId));
    const quarantineMs = q && faultStart !== undefined ? q.atMs - faultStart : undefined;
    return {
      ...base,
      ...r,
      ...(quarantineMs === undefined ? {} : { quarantineMs }),
      pluginLogLines: daemon.perScope.get(fault.pluginId) ?? 0,
      survived: daemon.alive && all.every((p) => p.done === p.tried) && r.after.tried > 0,
      ...(exit ? { daemonExit: `exit ${exit.signal ?? exit.code}${tail(daemon.rawTail)}` } : {}),
    };
  };

  const started = await world.started();
  if (!started || !(await world.pluginsReady())) {
    const why = !daemon.alive
      ? "the daemon exited while starting"
      : started
        ? `plugin processes not ready within ${BOUNDS.startMs} ms`
        : `no start within ${BOUNDS.startMs} ms`;
    return finish({ aftermath: "n/a", before: missed(why), during: NONE, after: NONE });
  }
  if (fault.phase === "import") {
    const recoveryMs = started.atMs - world.startedAtMs;
    const before = await logins(world);
    const after = await logins(world);
    const from = await world.join("wlan0");
    const end = await daemon.waitFor(/^wlan0: \w+ → (Inactive|Failure|Authenticat)/, BOUNDS.loginMs, from);
    const aftermath = quarantined(world)
      ? "quarantined"
      : /no plugin claims/.test(end?.message ?? "")
        ? "skipped at load"
        : "n/a";
    return finish({ recoveryMs, aftermath, before, during: NONE, after });
  }

  const before = await logins(world);
  const from = await world.join("wlan0");
  const calling = await daemon.waitFor(/^wlan0: \w+ → Authenticating/, BOUNDS.loginMs, from);
  faultStart = calling?.atMs;
  if (!calling)
    return finish({ aftermath: "n/a", before, during: missed("the fault was never triggered"), after: NONE });
  const during = await logins(world);
  // A daemon that served nothing while the fault ran is hung or gone: the rest would only
  // wait out every bound again.
  if (during.done < during.tried)
    return finish({ aftermath: "n/a", before, during, after: missed("not tried") });
  const ended = await daemon.waitFor(/^wlan0: Authenticating → /, BOUNDS.settleMs, from);
  const recoveryMs = ended ? ended.atMs - calling.atMs : undefined;
  // Only a host that runs plugins in processes of their own restarts them: from its line
  // saying the plugin's process ended to the one saying a new one is ready.
  const crashed =
    ended && mode === "isolated"
      ? await daemon.waitFor(crashLine(fault.pluginId), BOUNDS.settleMs, from)
      : undefined;
  const restarted = crashed
    ? await daemon.waitFor(readyLine(fault.pluginId), BOUNDS.settleMs, daemon.lines.indexOf(crashed))
    : undefined;
  const restartMs = crashed && restarted ? restarted.atMs - crashed.atMs : undefined;
  if (!daemon.alive)
    return finish({ aftermath: "n/a", before, during, after: missed("the daemon is not running") });
  const after = await logins(world);
  await world.leave("wlan0");
  const again = await world.join("wlan0");
  const next = await daemon.waitFor(
    /^wlan0: \w+ → (Authenticating|Evaluating \(waiting)/,
    BOUNDS.loginMs,
    again,
  );
  const aftermath = quarantined(world)
    ? "quarantined"
    : next === undefined
      ? "n/a"
      : /→ Authenticating/.test(next.message)
        ? "called again"
        : "backing off";
  return finish({
    ...(recoveryMs === undefined ? {} : { recoveryMs }),
    ...(restartMs === undefined ? {} : { restartMs }),
    aftermath,
    before,
    during,
    after,
  });
}

/** Whether any line says the fault's plugin is quarantined. */
function quarantined(world: FaultWorld): boolean {
  return world.daemon.lines.some(
    (l) => /quarantin/i.test(l.message) && l.message.includes(world.fault.pluginId),
  );
}

/** The telling line of what the process printed when it died (V8's FATAL ERROR, an uncaught error). */
function tail(raw: string): string {
  const lines = raw.trim().split("\n");
  const telling = lines.find((l) => /FATAL ERROR|Error\b/.test(l)) ?? lines.at(-1);
  return telling ? `: ${telling.trim().slice(0, 120)}` : "";
}

/** `performance.now()`, for callers that time a whole run. */
export const now = (): number => performance.now();
