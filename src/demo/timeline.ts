import { performance } from "node:perf_hooks";
import type { Daemon } from "../daemon/daemon.ts";

/** A readable, time-stamped account of what happened, for people watching the demo. */
export interface Timeline {
  step(text: string): void;
  /** Several lines shown under the last step (a table), indented. */
  block(text: string): void;
  readonly lines: readonly string[];
}

export function createTimeline(write: (line: string) => void): Timeline {
  const start = performance.now();
  const lines: string[] = [];
  return {
    lines,
    step(text) {
      const line = `+${((performance.now() - start) / 1000).toFixed(3)}s  ${text}`;
      lines.push(line);
      write(line);
    },
    block(text) {
      for (const raw of text.replace(/\n$/, "").split("\n")) {
        const line = `          ${raw}`;
        lines.push(line);
        write(line);
      }
    },
  };
}

/** Narrates the daemon's events on the timeline. Nothing here can carry a secret: events hold none. */
export function describeEvents(daemon: Daemon, timeline: Timeline): void {
  daemon.on("networks", (device, networks, claims) => {
    const claimed = networks
      .map((n, i) => ({ n, c: claims[i]?.[0] }))
      .filter((x) => x.c && x.c.confidence !== "none")
      .map((x) => `"${x.n.ssidText}" → ${x.c?.displayName} (${x.c?.confidence})`);
    timeline.step(`${device}: scan of ${networks.length} networks; claimed: ${claimed.join(", ") || "none"}`);
  });
  daemon.on("portal", (device, p) => {
    timeline.step(`${device}: probe says ${p.verdict}${p.loginUrl ? `, login page ${p.loginUrl}` : ""}`);
  });
  daemon.on("evaluated", (device, ranked) => {
    timeline.step(`${device}: evaluate: ${ranked.map((c) => `${c.pluginId}=${c.confidence}`).join(", ")}`);
  });
  daemon.on("state", (c) => {
    timeline.step(`${c.device}: ${c.from} → ${c.to}${c.pluginId ? ` [${c.pluginId}]` : ""} (${c.reason})`);
  });
  daemon.on("maintained", (device, pluginId, result) =>
    timeline.step(`${device}: maintain by ${pluginId}: ${result}`),
  );
  daemon.on("loggedOff", (device, pluginId) => timeline.step(`${device}: ${pluginId} logged off`));
  daemon.on("uiRequired", (device, pluginId, url) =>
    timeline.step(`${device}: ${pluginId} needs a person at ${url}`),
  );
  daemon.on("problem", (device, e) =>
    timeline.step(`${device ?? "daemon"}: problem ${e.code}: ${e.message}`),
  );
}
