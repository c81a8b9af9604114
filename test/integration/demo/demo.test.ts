import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { streamSink } from "../../../src/daemon/log.ts";
import { runDemo } from "../../../src/demo/run-demo.ts";
import { createTimeline } from "../../../src/demo/timeline.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

function indexOfMatch(lines: readonly string[], re: RegExp, from = 0): number {
  for (let i = from; i < lines.length; i++) if (re.test(lines[i] ?? "")) return i;
  return -1;
}

describe("demo", () => {
  test("runs scan, claim, join, evaluate, login, verify, maintain and logoff in order, leaking nothing", async () => {
    const out: string[] = [];
    const logs: string[] = [];
    const result = await runDemo({
      timeline: createTimeline((l) => out.push(l)),
      log: streamSink({ write: (s: string) => logs.push(s) }, { minLevel: "debug" }),
    });
    assert.deepEqual(result.failures, []);
    assert.equal(result.ok, true);
    const steps = [
      /scan of 3 networks; claimed: "Cafe Free WiFi" → Cafe Co\. \(high\)/,
      /Cafe Free WiFi\s+02:ca:fe:00:00:01.*Cafe Co\.\s+high/,
      /joining "Cafe Free WiFi"/,
      /probe says portal, login page http:\/\/127\.0\.0\.1:\d+\/login/,
      /evaluate: example-cafe=high/,
      /Authenticating → Authenticated \[example-cafe\] \(login verified\)/,
      /probe after login: online/,
      /maintain by example-cafe: success/,
      /Authenticated → LoggingOff \[example-cafe\]/,
      /example-cafe logged off/,
      /probe after logoff: portal/,
      /joining "Library Guest"/,
      /Authenticating → Authenticated \[click-through\]/,
      /maintain by click-through: success/,
    ];
    let at = 0;
    for (const step of steps) {
      const found = indexOfMatch(out, step, at);
      assert.ok(found >= 0, `missing, or out of order: ${step}\n${out.join("\n")}`);
      at = found + 1;
    }
    const everything = [...out, ...logs].join("\n");
    assert.ok(!everything.includes(result.password), "the demo password appeared in output or logs");
    assert.deepEqual(result.credentialsSeenBy, [
      { ssid: "Cafe Free WiFi", received: 1 },
      { ssid: "Library Guest", received: 0 },
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
    assert.match(stdout, /^\+\d+\.\d{3}s {2}loaded plugins: /);
    assert.match(stdout, /demo: every step happened/);
  });
});
