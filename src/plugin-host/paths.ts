import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

/**
 * Where plugin stores live when nobody says otherwise (each plugin in `<root>/<id>/store.json`):
 * - run as a systemd service with `StateDirectory=hotspot-helper`, systemd sets
 *   `$STATE_DIRECTORY` (`/var/lib/hotspot-helper`): `$STATE_DIRECTORY/plugins`;
 * - otherwise the user's `$XDG_STATE_HOME/hotspot-helper/plugins`, by default
 *   `~/.local/state/hotspot-helper/plugins` (state that should survive restarts but is not
 *   worth backing up, as the XDG Base Directory spec puts it).
 * Relative values are ignored, as the XDG spec requires.
 */
export function defaultPluginStoreRoot(env: NodeJS.ProcessEnv = process.env): string {
  // systemd joins several StateDirectory= entries with ':'; ours is the first.
  const service = env.STATE_DIRECTORY?.split(":")[0];
  if (service && isAbsolute(service)) return join(service, "plugins");
  const xdg = env.XDG_STATE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), ".local", "state");
  return join(base, "hotspot-helper", "plugins");
}
