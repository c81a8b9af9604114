import { chromiumAvailable } from "./launch.ts";

/**
 * Whether a Chromium is installed for `ctx.browser()` (`$HOTSPOT_CHROMIUM` or the usual
 * install paths). A plugin with a browser fallback asks this before offering it, so a
 * machine without Chromium keeps the plain-HTTP answer instead of an install error.
 */
export function browserAvailable(): boolean {
  return chromiumAvailable();
}
