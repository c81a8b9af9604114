import { execFile } from "node:child_process";
import { hotspotError } from "../../errors.ts";

/**
 * Running the system tools of namespace mode (ip, nft, dnsmasq, dhclient, openssl). Every
 * failure becomes HH_HARNESS_NETNS_FAILED naming the step and carrying the tool's stderr,
 * because "exit 2" alone says nothing when a test fails on someone else's machine.
 */

export interface RunOptions {
  /** Run inside this network namespace (`ip netns exec NAME …`). */
  readonly netns?: string;
  /** Written to the tool's stdin (nft -f -). */
  readonly input?: string;
  readonly timeoutMs?: number;
}

export function run(
  step: string,
  cmd: string,
  args: readonly string[],
  opts: RunOptions = {},
): Promise<string> {
  const [file, argv] =
    opts.netns === undefined ? [cmd, [...args]] : ["ip", ["netns", "exec", opts.netns, cmd, ...args]];
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      argv,
      { timeout: opts.timeoutMs ?? 15_000, maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const reason = `${[file, ...argv].join(" ")}: ${stderr.trim() || error.message}`;
          reject(hotspotError("HH_HARNESS_NETNS_FAILED", { step, reason }, { cause: error }));
        } else resolve(stdout);
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Whether `cmd` is on PATH (or an absolute path that exists), without running it. */
export async function hasTool(cmd: string): Promise<boolean> {
  try {
    await run("which", "sh", ["-c", `command -v ${cmd}`]);
    return true;
  } catch {
    return false;
  }
}
