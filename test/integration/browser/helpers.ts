import { execFileSync } from "node:child_process";
import { chromiumAvailable } from "../../../src/browser/launch.ts";

/** Why the browser tests cannot run here, or false. */
export function noChromium(): string | false {
  return chromiumAvailable() ? false : "Chromium is not installed (apt install chromium)";
}

/** How many processes carry this profile folder on their command line (pgrep by the unique path). */
export function chromiumCount(profileDir: string): number {
  try {
    const out = execFileSync("pgrep", ["-f", "--", profileDir], { encoding: "utf8" });
    return out.split("\n").filter((l) => l.trim() !== "").length;
  } catch {
    return 0; // pgrep exits 1 when nothing matches
  }
}
