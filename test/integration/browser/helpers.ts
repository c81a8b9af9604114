import { execFileSync } from "node:child_process";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { chromiumAvailable } from "../../../src/browser/launch.ts";
import type { Portal } from "../../../src/harness/index.ts";
import { commandLine, descendants } from "../../support/proc-tree.ts";

/** Why the browser tests cannot run here, or false. */
export function noChromium(): string | false {
  return chromiumAvailable() ? false : "Chromium is not installed (apt install chromium)";
}

/**
 * A bundled example plugin's settings for a harness portal on loopback: the portal's host,
 * plain HTTP allowed there, and the portal's credentials.
 */
export function loopbackPortalSettings(portal: Portal) {
  return {
    config: { portalHost: "127.0.0.1", allowHttp: true },
    credentials: { username: portal.credentials.username, password: portal.credentials.password },
  };
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

/** A plain HTTP server standing in for a portal on loopback. */
export interface PortalStandIn {
  readonly port: number;
  /** Cuts the connections Chromium keeps open, then stops listening. */
  close(): Promise<void>;
}

/**
 * Starts a portal stand-in on `host`: every request is read to its end and handed, with
 * its whole body, to `answer`, which writes the response.
 */
export async function startPortalStandIn(
  host: string,
  answer: (req: IncomingMessage, body: string, res: ServerResponse) => void,
): Promise<PortalStandIn> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString();
    });
    req.on("end", () => answer(req, body, res));
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const a = server.address();
  return {
    port: typeof a === "object" && a !== null ? a.port : 0,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Chromium processes below `root` (children, grandchildren...), read from /proc. */
export function chromiumBelow(root: number): number[] {
  return descendants(root).filter((pid) => /chrom/i.test(commandLine(pid)));
}
