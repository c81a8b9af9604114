import { terminalSafe } from "../annotate/index.ts";
import { streamSink } from "../daemon/log.ts";
import { runDemo } from "../demo/run-demo.ts";
import { createTimeline } from "../demo/timeline.ts";
import { hotspotError } from "../errors.ts";
import type { ParsedArgs } from "./args.ts";
import { booleanOption } from "./args.ts";
import type { Command } from "./command.ts";
import type { CliIo } from "./io.ts";

export const command: Command = {
  usage: "hotspot demo [--verbose]",
  description:
    "Runs the whole cycle on simulated inputs: scans a fixture street, joins the best-claimed network, " +
    "lets the winning plugin log in through a loopback captive portal, verifies by re-probing, runs a " +
    "maintain cycle and logs off; then the same on a click-through network. Prints a timeline and exits 0 " +
    "only if every step happened. --verbose adds the daemon's and plugins' logs (on stderr).",
  options: { verbose: { type: "boolean", description: "Also print daemon and plugin logs to stderr" } },
  common: [],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const timeline = createTimeline((line) => io.stdout.write(`${terminalSafe(line)}\n`));
    const verbose = booleanOption(args, "verbose");
    const result = await runDemo({
      timeline,
      ...(verbose ? { log: streamSink(io.stderr, { minLevel: "debug" }) } : {}),
    });
    if (!result.ok) throw hotspotError("HH_DEMO_FAILED", { reason: result.failures.join("; ") });
    io.stdout.write(
      "demo: every step happened: scan, claim, join, evaluate, login, verify, maintain, logoff\n",
    );
    return 0;
  },
};
