import { escapeText, formatTable, terminalSafe } from "../annotate/index.ts";
import { hotspotError, reasonOf } from "../errors.ts";
import { getScenario, listScenarios } from "../harness/catalog.ts";
import { startPortal } from "../harness/portal-server.ts";
import { formatCriticalPath, formatRequestLog } from "../harness/request-log.ts";
import { errnoCode } from "../scan/scan-file.ts";
import { booleanOption, type ParsedArgs, stringOption, usageError } from "./args.ts";
import type { Command } from "./command.ts";
import type { CliIo } from "./io.ts";

const USAGE =
  "hotspot harness list [--json] | hotspot harness serve SCENARIO[:VARIANT] [--port N] [--latency MS] [--netns]";

/** What `serve` needs besides the scenario; `stop` ends it (SIGINT/SIGTERM in the real command). */
export interface ServeOptions {
  readonly scenario: string;
  readonly port?: number;
  readonly latencyMs?: number;
  readonly netns: boolean;
  readonly stop: AbortSignal;
}

function integer(args: ParsedArgs, name: string, max: number): number | undefined {
  const raw = stringOption(args, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw usageError("harness", command, `--${name} must be a whole number from 0 to ${max}, not '${raw}'`);
  }
  return n;
}

function list(args: ParsedArgs, io: CliIo): number {
  const scenarios = listScenarios();
  if (args.common.format === "json") {
    io.stdout.write(`${JSON.stringify(scenarios, null, 2)}\n`);
    return 0;
  }
  const rows = scenarios.flatMap((s) => [
    [s.name, escapeText(s.description)],
    ...s.variants.map((v) => [`${s.name}:${v.name}`, escapeText(v.description)]),
  ]);
  io.stdout.write(formatTable(["SCENARIO", "WHAT IT DOES"], rows));
  return 0;
}

function waitForStop(signal: AbortSignal): Promise<void> {
  return signal.aborted
    ? Promise.resolve()
    : new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

/** Serves a scenario until `opts.stop` fires, printing its URLs, then each request as it is answered. */
export async function serve(opts: ServeOptions, io: CliIo): Promise<number> {
  if (opts.netns) {
    const { serveInNamespaces } = await import("../harness/netns/serve.ts");
    return serveInNamespaces(opts, io, waitForStop(opts.stop));
  }
  const scenario = getScenario(opts.scenario);
  const portal = await startPortal({
    scenario,
    ...(opts.port === undefined ? {} : { port: opts.port }),
    ...(opts.latencyMs === undefined ? {} : { latencyMs: opts.latencyMs }),
    onRequest: (e) => io.stdout.write(terminalSafe(formatRequestLog([e]), true)),
  }).catch((e: unknown) => {
    // A taken or privileged port is the user's to fix, not a bug.
    const code = errnoCode(e);
    if (code !== "EADDRINUSE" && code !== "EACCES") throw e;
    throw hotspotError(
      "HH_USAGE",
      { message: `cannot listen on port ${opts.port ?? 0}: ${reasonOf(e)}` },
      { cause: e },
    );
  });
  try {
    const lines = [
      `serving ${opts.scenario}: ${scenario.description}`,
      `  portal   ${portal.url}`,
      `  probe    ${portal.probeUrl}`,
      ...(portal.httpsUrl
        ? [`  https    ${portal.httpsUrl} (self-signed: fixtures/portals/tls/test-portal.crt)`]
        : []),
      ...(portal.apiUrl ? [`  api      ${portal.apiUrl} (RFC 8908; DHCP option 114 in namespace mode)`] : []),
      `  account  ${portal.credentials.username} / ${portal.credentials.password} (the scenario's test account)`,
      "stop with Ctrl-C; requests:",
    ];
    io.stdout.write(`${terminalSafe(lines.join("\n"), true)}\n`);
    await waitForStop(opts.stop);
    io.stdout.write(`${formatCriticalPath(portal.criticalPath())}\n`);
    return 0;
  } finally {
    await portal.close();
  }
}

export const command: Command = {
  usage: USAGE,
  description:
    "Simulated captive portals. `list` shows the scenarios (fixtures/portals/) and their variants. `serve` " +
    "runs one on 127.0.0.1 (--port, default a free port) until SIGINT or SIGTERM, printing its URLs and " +
    "every request; --latency delays every response. --netns (root) instead builds an access-point " +
    "namespace (dnsmasq with DHCP option 114, an nftables walled garden, the portal) and a client " +
    "namespace for the daemon, and removes them on exit.",
  options: {
    port: { type: "string", valueName: "N", description: "Listen on port N (loopback mode)." },
    latency: { type: "string", valueName: "MS", description: "Delay every response by MS milliseconds." },
    netns: {
      type: "boolean",
      description: "Namespace mode (root): DHCP, DNS, walled garden, client namespace.",
    },
  },
  common: ["json"],
  positionals: true,
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const [sub, scenario, ...rest] = args.positionals;
    if (sub === "list" && scenario === undefined) return list(args, io);
    if (sub !== "serve" || scenario === undefined || rest.length > 0) {
      throw usageError(
        "harness",
        command,
        sub === "serve" ? "give one SCENARIO" : "use 'list' or 'serve SCENARIO'",
      );
    }
    getScenario(scenario);
    const port = integer(args, "port", 65535);
    const latencyMs = integer(args, "latency", 60_000);
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      return await serve(
        {
          scenario,
          netns: booleanOption(args, "netns"),
          stop: stop.signal,
          ...(port === undefined ? {} : { port }),
          ...(latencyMs === undefined ? {} : { latencyMs }),
        },
        io,
      );
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  },
};
