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
    "Runs the daemon against a simulated NetworkManager on a private D-Bus bus and captive portals on " +
    "loopback, no root needed: the annotated network list from the daemon's D-Bus API, a café's form " +
    "login, an airport's WISPr login with a roam to its second access point (the session carries over) " +
    "and a logoff over D-Bus, and an RFC 8908 session renewed before it ends. Prints a timeline and exits " +
    "0 only if every step happened (checked against the portals' own records); takes about 5 s. " +
    "--verbose adds the daemon's and plugins' logs (on stderr).",
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
      "demo: every step happened: list, form login, WISPr login, roam, logoff over D-Bus, RFC 8908 renewal\n",
    );
    return 0;
  },
};
