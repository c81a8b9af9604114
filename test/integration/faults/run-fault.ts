import { type Fault, HEALTHY, type HostMode } from "./catalogue.ts";
import type { Install } from "./daemon-process.ts";
import { crashLine, quarantineLine, readyLine } from "./host-lines.ts";
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
  /** Log lines of the faulty plugin the daemon dropped, as its summary lines say. */
  readonly pluginLogDropped: number;
}

export async function logins(world: FaultWorld): Promise<PhaseLogins> {
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

export const NONE: PhaseLogins = { tried: 0, done: 0, problems: [] };
export const missed = (why: string): PhaseLogins => ({ tried: 2, done: 0, problems: [why] });

/**
 * Long enough for the daemon's retries (2 s, then 4 s apart) to call a crashing plugin twice
 * more, each after the host's restart backoff (1 s, then 2 s): its third crash quarantines it.
 */
const QUARANTINE_WAIT_MS = 20_000;

/** The daemon's start: its `started` line and, isolated, the healthy plugins' processes ready. */
export async function startUp(world: FaultWorld): Promise<{ atMs?: number; problem?: string }> {
  const started = await world.started();
  if (!started) {
    return {
      problem: world.daemon.alive
        ? `no start within ${BOUNDS.startMs[world.mode]} ms`
        : "the daemon exited while starting",
    };
  }
  if (!(await world.pluginsReady(HEALTHY.map((h) => h.id)))) {
    return {
      atMs: started.atMs,
      problem: `plugin processes not ready within ${BOUNDS.startMs[world.mode]} ms`,
    };
  }
  return { atMs: started.atMs };
}

/**
 * One fault against one daemon of its own: start-up, healthy logins before, the fault (see
 * hookFault and importFault). Never throws for what the daemon does: every outcome is data
 * in the report.
 */
export async function runFault(fault: Fault, mode: HostMode, install?: Install): Promise<FaultReport> {
  const world = await FaultWorld.start({ faults: [fault], mode, faultsInRange: true, install });
  try {
    const start = await startUp(world);
    if (start.problem !== undefined) {
      return report(world, fault, {
        aftermath: "n/a",
        before: missed(start.problem),
        during: NONE,
        after: NONE,
      });
    }
    const before = await logins(world);
    return fault.phase === "import"
      ? await importFault(world, fault, before, start.atMs ?? Number.NaN)
      : await hookFault(world, fault, before, { rejoin: true, timeRestart: true, awaitQuarantine: true });
  } finally {
    await world.close();
  }
}

type Phases = Pick<FaultReport, "aftermath" | "before" | "during" | "after"> &
  Partial<Pick<FaultReport, "recoveryMs" | "restartMs">> & { readonly faultStart?: number };

/** The report from what the phases found and what the daemon's log and process say. */
function report(world: FaultWorld, fault: Fault, p: Phases): FaultReport {
  const { daemon } = world;
  const { faultStart, ...phases } = p;
  const q = daemon.lines.find((l) => /quarantin/i.test(l.message) && l.message.includes(fault.pluginId));
  const quarantineMs = q && faultStart !== undefined ? q.atMs - faultStart : undefined;
  const exit = daemon.exit;
  return {
    fault,
    mode: world.mode,
    ...phases,
    ...(quarantineMs === undefined ? {} : { quarantineMs }),
    pluginLogLines: daemon.perScope.get(fault.pluginId) ?? 0,
    pluginLogDropped: droppedLines(world, fault.pluginId),
    survived:
      daemon.alive && [p.before, p.during, p.after].every((x) => x.done === x.tried) && p.after.tried > 0,
    ...(exit ? { daemonExit: `exit ${exit.signal ?? exit.code}${tail(daemon.rawTail)}` } : {}),
  };
}

/**
 * A plugin that fails at import: the daemon started without it (recovery: spawn to started),
 * healthy logins go on, and its network is claimed by nobody (or the host says quarantined).
 */
export async function importFault(
  world: FaultWorld,
  fault: Fault,
  before: PhaseLogins,
  startedAtMs: number,
): Promise<FaultReport> {
  const after = await logins(world);
  world.showFault(fault);
  const from = await world.joinFault(fault);
  const end = await world.daemon.waitFor(
    /^wlan0: \w+ → (Inactive|Failure|Authenticat)/,
    BOUNDS.loginMs,
    from,
  );
  await world.leave("wlan0");
  const aftermath = quarantined(world, fault)
    ? "quarantined"
    : /no plugin claims/.test(end?.message ?? "")
      ? "skipped at load"
      : "n/a";
  const faultStart = world.startedAtMs;
  return report(world, fault, {
    recoveryMs: startedAtMs - faultStart,
    faultStart,
    aftermath,
    before,
    during: NONE,
    after,
  });
}

/**
 * A fault in a hook: join the fault's network, wait for `→ Authenticating` with the faulty
 * plugin, healthy logins while the fault runs, the daemon's answer for the faulty call (the
 * recovery), the isolated host's restart of the plugin's process, healthy logins after; with
 * `rejoin`, leave and join again to see whether the plugin is called again, held back or
 * quarantined. The fault's network is in range throughout and taken away at the end.
 */
export async function hookFault(
  world: FaultWorld,
  fault: Fault,
  before: PhaseLogins,
  opts: {
    /** Leave and join again afterwards: is the plugin called again, held back, quarantined? */
    readonly rejoin: boolean;
    /** Isolated: wait for the host to restart the plugin's process after a crash, and time it. */
    readonly timeRestart: boolean;
    /**
     * Isolated, after a crash: stay on the network while the daemon's own retries call the
     * plugin again, until the host quarantines it (repeated crashes) or QUARANTINE_WAIT_MS pass.
     */
    readonly awaitQuarantine?: boolean;
  },
): Promise<FaultReport> {
  const { daemon } = world;
  world.showFault(fault);
  try {
    if (!(await world.pluginsReady([fault.pluginId]))) {
      const why = `${fault.pluginId}'s process not ready`;
      return report(world, fault, { aftermath: "n/a", before, during: missed(why), after: NONE });
    }
    const from = await world.joinFault(fault);
    const chosen = new RegExp(`^wlan0: \\w+ → Authenticating \\(${fault.pluginId} chosen\\)`);
    const calling = await daemon.waitFor(chosen, BOUNDS.loginMs, from);
    if (!calling) {
      return report(world, fault, {
        aftermath: "n/a",
        before,
        during: missed("the fault was never triggered"),
        after: NONE,
      });
    }
    const faultStart = calling.atMs;
    const during = await logins(world);
    // A daemon that served nothing while the fault ran is hung or gone: the rest would only
    // wait out every bound again.
    if (during.done < during.tried) {
      return report(world, fault, {
        aftermath: "n/a",
        faultStart,
        before,
        during,
        after: missed("not tried"),
      });
    }
    const ended = await daemon.waitFor(
      /^wlan0: Authenticating → /,
      BOUNDS.settleMs,
      daemon.lines.indexOf(calling) + 1,
    );
    const recoveryMs = ended ? ended.atMs - calling.atMs : undefined;
    // Only a host that runs plugins in processes of their own restarts them: from its line
    // saying the plugin's process ended to the one saying a new one is ready.
    const watchCrash = world.mode === "isolated" && (opts.timeRestart || opts.awaitQuarantine === true);
    const crashed =
      ended && watchCrash
        ? await daemon.waitFor(crashLine(fault.pluginId), BOUNDS.settleMs, from)
        : undefined;
    const restarted =
      crashed && opts.timeRestart
        ? await daemon.waitFor(readyLine(fault.pluginId), BOUNDS.settleMs, daemon.lines.indexOf(crashed))
        : undefined;
    const restartMs = crashed && restarted ? restarted.atMs - crashed.atMs : undefined;
    const timing = {
      faultStart,
      ...(recoveryMs === undefined ? {} : { recoveryMs }),
      ...(restartMs === undefined ? {} : { restartMs }),
    };
    if (!daemon.alive) {
      return report(world, fault, {
        ...timing,
        aftermath: "n/a",
        before,
        during,
        after: missed("the daemon is not running"),
      });
    }
    const after = await logins(world);
    if (crashed && opts.awaitQuarantine === true) {
      await daemon.waitFor(quarantineLine(fault.pluginId), QUARANTINE_WAIT_MS, from);
    }
    await world.leave("wlan0");
    if (!opts.rejoin) {
      return report(world, fault, {
        ...timing,
        aftermath: quarantined(world, fault) ? "quarantined" : "n/a",
        before,
        during,
        after,
      });
    }
    const again = await world.joinFault(fault);
    const next = await daemon.waitFor(
      /^wlan0: \w+ → (Authenticating|Evaluating \(waiting)/,
      BOUNDS.loginMs,
      again,
    );
    await world.leave("wlan0");
    const aftermath = quarantined(world, fault)
      ? "quarantined"
      : next === undefined
        ? "n/a"
        : /→ Authenticating/.test(next.message)
          ? "called again"
          : "backing off";
    return report(world, fault, { ...timing, aftermath, before, during, after });
  } finally {
    world.hideFault(fault);
  }
}

/** The sum of the daemon's "plugin <id>: N log lines dropped …" summaries for one plugin. */
export function droppedLines(world: FaultWorld, pluginId: string): number {
  const summary = new RegExp(`^plugin ${pluginId}: ([\\d,]+) log lines? dropped `);
  return world.daemon.lines.reduce((n, l) => {
    const count = summary.exec(l.message)?.[1];
    return count === undefined ? n : n + Number(count.replaceAll(",", ""));
  }, 0);
}

/** Whether any line says the fault's plugin is quarantined. */
function quarantined(world: FaultWorld, fault: Fault): boolean {
  return world.daemon.lines.some((l) => /quarantin/i.test(l.message) && l.message.includes(fault.pluginId));
}

/** The telling line of what the process printed when it died (V8's FATAL ERROR, an uncaught error). */
function tail(raw: string): string {
  const lines = raw.trim().split("\n");
  const telling = lines.find((l) => /FATAL ERROR|Error\b/.test(l)) ?? lines.at(-1);
  return telling ? `: ${telling.trim().slice(0, 120)}` : "";
}
