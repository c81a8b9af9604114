import { spawn } from "node:child_process";
import type { UserActionView } from "../daemon/dbus-api/views.ts";
import { hotspotError, isHotspotError, reasonOf } from "../errors.ts";
import type { ParsedArgs } from "./args.ts";
import { busAddressOption } from "./bus-address.ts";
import type { Command } from "./command.ts";
import { DAEMON_BUS_OPTION, daemonBusAddress } from "./daemon-bus.ts";
import type { CliIo } from "./io.ts";

/** The session bus of the person's desktop: the environment's, else the systemd user bus. */
export function sessionBusAddress(env: NodeJS.ProcessEnv): string {
  const explicit = env.DBUS_SESSION_BUS_ADDRESS;
  if (explicit !== undefined && explicit !== "") return explicit;
  if (env.XDG_RUNTIME_DIR) return `unix:path=${env.XDG_RUNTIME_DIR}/bus`;
  throw hotspotError("HH_AGENT_NO_SESSION_BUS", {
    reason: "neither DBUS_SESSION_BUS_ADDRESS nor XDG_RUNTIME_DIR is set",
  });
}

/**
 * Opens the portal window as its own process (`hotspot portal`), detached: the window
 * outlives nothing of the agent's, and a crash in the browser cannot take the agent down.
 */
function spawnPortalWindow(action: UserActionView): void {
  const script = process.argv[1];
  if (script === undefined) throw new Error("cannot tell how this hotspot was started");
  const child = spawn(
    process.execPath,
    [...process.execArgv, script, "portal", "--device", action.device, "--url", action.url],
    { detached: true, stdio: "ignore" },
  );
  child.on("error", () => {});
  child.unref();
}

export const command: Command = {
  usage: "hotspot agent [--daemon-bus ADDRESS] [--session-bus ADDRESS]",
  description:
    "Runs in your desktop session (start it from your session's autostart) and waits for the daemon: " +
    "when a portal needs a person (a captcha, a payment, a code sent by SMS) it shows a desktop " +
    'notification naming the provider, whose "Open portal" action opens the portal in a private ' +
    "browser window bound to the Wi-Fi link (`hotspot portal`). The daemon takes the session over once " +
    "you are online. Runs until SIGINT or SIGTERM; exit 1 when a bus connection is lost.",
  options: {
    ...DAEMON_BUS_OPTION,
    "session-bus": {
      type: "string",
      valueName: "ADDRESS",
      description:
        "Your desktop session's bus (default: $DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus).",
    },
  },
  common: [],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const sessionBus = busAddressOption(args, "session-bus") ?? sessionBusAddress(io.env);
    const systemBus = daemonBusAddress(args, io);
    const { startAgent } = await import("../agent/agent.ts");
    const agent = await startAgent({
      systemBus,
      sessionBus,
      open: spawnPortalWindow,
      log: (level, message) => io.stderr.write(`${level === "warn" ? "warning: " : ""}${message}\n`),
    }).catch((e: unknown) => {
      if (isHotspotError(e) && e.code === "HH_DAEMON_NOT_RUNNING") throw e;
      throw hotspotError(
        "HH_AGENT_NO_SESSION_BUS",
        { reason: `${sessionBus}: ${reasonOf(e)}` },
        { cause: e },
      );
    });
    io.stderr.write("hotspot agent: waiting for portals that need you\n");
    let stop: (why: string) => void = () => {};
    const stopped = new Promise<string>((resolve) => {
      stop = resolve;
    });
    const onSignal = (): void => stop("signal");
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    const why = await Promise.race([stopped, agent.lost.then((e) => `lost: ${e.message}`)]);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    agent.close();
    if (why === "signal") return 0;
    io.stderr.write(`hotspot agent: a bus connection was ${why}\n`);
    return 1;
  },
};
