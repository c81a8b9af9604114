import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

/**
 * Where the daemon keeps its state when not told: systemd's `$STATE_DIRECTORY` (set by
 * `StateDirectory=`; a colon-separated list when several are configured, ours first),
 * `/var/lib/hotspot-helper` for root, else `$XDG_STATE_HOME/hotspot-helper` (default
 * `~/.local/state`). As with XDG_CONFIG_HOME, a relative XDG_STATE_HOME is invalid and ignored.
 */
export function defaultStateDir(
  env: NodeJS.ProcessEnv = process.env,
  uid: number | undefined = process.getuid?.(),
): string {
  const fromSystemd = env.STATE_DIRECTORY?.split(":").find((d) => isAbsolute(d));
  if (fromSystemd) return fromSystemd;
  if (uid === 0) return "/var/lib/hotspot-helper";
  const xdg = env.XDG_STATE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), ".local", "state");
  return join(base, "hotspot-helper");
}
