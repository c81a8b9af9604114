import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CommandRun, installedPackage, run } from "../test/support/installed-package.ts";
import type { BenchRow, BenchTable } from "./table.ts";

/**
 * An operator's first minutes, timed from the installed tarball: `hotspot plugin new`, then
 * either straight to `hotspot plugin test` (the host provides the SDK, so a fresh folder
 * needs no install), or the full loop a plugin author runs: `npm install` (the package
 * for types and the harness, TypeScript), `npm run typecheck` and `npm test`. Packing and
 * installing hotspot-helper itself happens once before and is shown separately.
 */

async function timed(step: () => Promise<CommandRun>): Promise<number> {
  const started = performance.now();
  const result = await step();
  if (result.code !== 0) throw new Error(`exit ${result.code}\n${result.stdout}\n${result.stderr}`);
  return performance.now() - started;
}

const seconds = (ms: number) => Math.round(ms / 10) / 100;

export default async function scaffoldBench(): Promise<readonly BenchTable[]> {
  const pkg = await installedPackage();
  const { NODE_TEST_CONTEXT: _, ...env } = pkg.env;
  const tmp = await mkdtemp(join(tmpdir(), "hh-scaffold-bench-"));
  try {
    const quick = join(tmp, "quick");
    const newQuick = await timed(() => pkg.hotspot(["plugin", "new", "quick-net", "--dir", quick], tmp));
    const testQuick = await timed(() =>
      pkg.hotspot(["plugin", "test", ".", "--scenario", "form-login"], quick),
    );

    const full = join(tmp, "full");
    const sh = (command: string, args: readonly string[]) => () => run(command, args, full, env);
    const newFull = await timed(() => pkg.hotspot(["plugin", "new", "full-net", "--dir", full], tmp));
    const install = await timed(
      sh("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--save-dev", pkg.tarball]),
    );
    const typecheck = await timed(sh("npm", ["run", "typecheck"]));
    const npmTest = await timed(sh("npm", ["test"]));
    const pluginTest = await timed(() =>
      pkg.hotspot(["plugin", "test", ".", "--scenario", "form-login"], full),
    );

    const rows: BenchRow[] = [
      {
        metric: "plugin new → passing plugin test (no install)",
        value: seconds(newQuick + testQuick),
        unit: "s",
      },
      { metric: "  hotspot plugin new", value: seconds(newQuick), unit: "s" },
      { metric: "  hotspot plugin test --scenario form-login", value: seconds(testQuick), unit: "s" },
      {
        metric: "plugin new → npm install → typecheck → npm test → plugin test",
        value: seconds(newFull + install + typecheck + npmTest + pluginTest),
        unit: "s",
      },
      { metric: "  npm install (tarball, TypeScript, @types/node)", value: seconds(install), unit: "s" },
      { metric: "  npm run typecheck", value: seconds(typecheck), unit: "s" },
      { metric: "  npm test (3 form-login variants + evil twin)", value: seconds(npmTest), unit: "s" },
      { metric: "  hotspot plugin test --scenario form-login", value: seconds(pluginTest), unit: "s" },
    ];
    return [
      {
        title: "Scaffold: from `hotspot plugin new` to a passing test (installed tarball)",
        rows,
        notes: [
          `set-up, not counted: npm pack ${seconds(pkg.packMs)} s (builds dist/), install ${seconds(pkg.installMs)} s`,
          "one run each; npm install uses the local cache (--prefer-offline); wall-clock times on a shared machine vary",
        ],
      },
    ];
  } finally {
    await rm(tmp, { recursive: true, force: true });
    await pkg.remove();
  }
}
