import { join } from "node:path";
import { defaultStateDir } from "../daemon/state/dir.ts";

/**
 * Where plugin stores live when nobody says otherwise (each plugin in `<root>/<id>/store.json`):
 * the `plugins` folder of the daemon's default state directory, so `hotspot daemon`,
 * `plugin test` and `auth` run by one user share one store:
 * - under systemd with `StateDirectory=hotspot-helper`: `$STATE_DIRECTORY/plugins`;
 * - as root: `/var/lib/hotspot-helper/plugins`;
 * - otherwise `$XDG_STATE_HOME/hotspot-helper/plugins`, by default
 *   `~/.local/state/hotspot-helper/plugins`.
 * `hotspot daemon --state-dir DIR` moves the daemon's to `DIR/plugins`.
 */
export function defaultPluginStoreRoot(
  env: NodeJS.ProcessEnv = process.env,
  uid: number | undefined = process.getuid?.(),
): string {
  return join(defaultStateDir(env, uid), "plugins");
}
