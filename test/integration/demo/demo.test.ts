import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { streamSink } from "../../../src/daemon/log.ts";
import { runDemo } from "../../../src/demo/run-demo.ts";
import { createTimeline } from "../../../src/demo/timeline.ts";
import { noDbusReason } from "../nm/helpers.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

function indexOfMatch(lines: readonly string[], re: RegExp, from = 0): number {
  for (let i = from; i < lines.length; i++) if (re.test(lines[i] ?? "")) return i;
  return -1;
}

describe("demo", { skip: noDbusReason }, () => {
  test("list, form login, WISPr login, roam, D-Bus logoff and RFC 8908 renewal happen in order, leaking nothing", async () => {
    const out: string[] = [];
    const logs: string[] = [];
    const result = await runDemo({
      timeline: createTimeline((l) => out.push(l)),
      log: streamSink({ write: (s: string) => logs.push(s) }, { minLevel: "debug" }),
    });
    assert.deepEqual(result.failures, []);
    assert.equal(result.ok, true);
    const steps = [
      /simulated NetworkManager on a private bus, 6 access points/,
      /the daemon serves io\.github\.hotspot_helper\.Daemon1/,
      /HomeNet-5G\s+02:00:00:00:be:ef.*wpa2-psk\s+--/,
      /Cafe Free WiFi\s+02:ca:fe:00:00:01.*Cafe Co\.\s+high/,
      /joining "Cafe Free WiFi"/,
      /Authenticating → Authenticated \[example-cafe\] \(login verified\)/,
      /probe after the form login: online/,
      /joining "Airport WiFi" at 02:a1:00:00:00:01/,
      /Authenticating → Authenticated \[wispr\]/,
      /roaming to the airport's other access point 02:a1:00:00:00:02/,
      /after the roam, `hotspot status` says: wlan0: Authenticated, "Airport WiFi" 02:a1:00:00:00:02, via wispr/,
      /Authenticated → LoggingOff \[wispr\]/,
      /wispr logged off/,
      /the gateway after the logoff: closed/,
      /joining "Metro Connect"/,
      /Authenticating → Authenticated \[capport\]/,
      /`hotspot status`: wlan0: Authenticated, "Metro Connect" .*via capport, ends in \d+ s/,
      /maintain by capport: success/,
      /the portal moved the session's end \d+\.\d s later, the daemon's [1-9]\d*\.\d s \(without the renewal it would end in \d+ s\); `hotspot status`: .*ends in \d+ s/,
    ];
    let at = 0;
    for (const step of steps) {
      const found = indexOfMatch(out, step, at);
      assert.ok(found >= 0, `missing, or out of order: ${step}\n${out.join("\n")}`);
      at = found + 1;
    }
    assert.equal(
      out.filter((l) => /Authenticating → Authenticated \[wispr\]/.test(l)).length,
      1,
      "the roam cost a second WISPr login",
    );
    const everything = [...out, ...logs].join("\n");
    assert.ok(!everything.includes(result.password), "the demo password appeared in output or logs");
    assert.deepEqual(result.credentialsSeenBy, [
      { ssid: "Cafe Free WiFi", received: 1 },
      { ssid: "Airport WiFi", received: 1 },
      { ssid: "Metro Connect", received: 0 },
    ]);
  });

  test("`hotspot demo` as a process exits 0 and prints the timeline on stdout only", async () => {
    const child = spawn(process.execPath, ["bin/hotspot.js", "demo"], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    assert.equal(code, 0, stderr);
    assert.equal(stderr, "");
    assert.match(stdout, /^\+\d+\.\d{3}s {2}simulated NetworkManager/);
    assert.match(stdout, /renewal\n$/);
  });
});
