import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { packageRoot } from "./layout.ts";

/**
 * The XDG autostart entry that starts `hotspot agent` in every graphical session
 * (/etc/xdg/autostart/, the system-wide autostart folder of the XDG Autostart spec, which
 * GNOME, KDE, Xfce and LXQt read). The daemon is a system service and cannot reach a
 * desktop; the agent is its voice there, so whoever installs the service gets it too.
 */

export const AUTOSTART_NAME = "hotspot-agent.desktop";
/** In the entry's comment: uninstall removes only an entry that carries it. */
export const AUTOSTART_MARKER = "`hotspot service install` writes this file";

/**
 * One argument of an Exec key (Desktop Entry spec, "The Exec key"): quoted when it holds a
 * reserved character, with `"`, `` ` ``, `$` and `\` escaped inside the quotes; `%` is
 * doubled, since a lone one starts a field code.
 */
export function execArgument(arg: string): string {
  const percent = arg.replaceAll("%", "%%");
  if (!/[\s"'\\><~|&;$*?#()`=]/.test(percent)) return percent;
  return `"${percent.replace(/(["`$\\])/g, "\\$1")}"`;
}

/**
 * A string value of a desktop file escapes backslashes once more (spec, "Possible value
 * types"): the Exec quoting above is applied first, then this.
 */
function desktopString(value: string): string {
  return value.replaceAll("\\", "\\\\");
}

/** The entry for this installation: runs `<node> <hotspot.js> agent`. */
export async function renderAutostart(opts: {
  readonly nodePath: string;
  readonly hotspotScript: string;
}): Promise<string> {
  const template = await readFile(join(packageRoot(), "xdg", AUTOSTART_NAME), "utf8");
  const exec = [opts.nodePath, opts.hotspotScript, "agent"].map(execArgument).join(" ");
  return template
    .replace("@HOTSPOT_EXEC@", desktopString(exec))
    .replace("@HOTSPOT_NODE@", desktopString(opts.nodePath));
}
