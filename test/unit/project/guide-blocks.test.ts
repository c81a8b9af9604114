import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { promisify } from "node:util";
import { guideScript, testedShellBlocks } from "../../support/guide-blocks.ts";

const GUIDE = [
  "# Guide",
  "```sh",
  "sudo rm -rf /   # for the reader only",
  "```",
  "```sh test",
  "GREETING=hello",
  "```",
  "```ts",
  "const x = 1;",
  "```",
  "```sh test",
  'echo "$GREETING world"',
  "false",
  'echo "never"',
  "```",
  "",
].join("\n");

test("only ```sh test blocks are taken, in order", () => {
  assert.deepEqual(testedShellBlocks(GUIDE), [
    "GREETING=hello\n",
    'echo "$GREETING world"\nfalse\necho "never"\n',
  ]);
});

test("the script keeps one shell across blocks and stops at the first failing command, naming its block", async () => {
  const script = guideScript(testedShellBlocks(GUIDE));
  const failed = await promisify(execFile)("bash", ["-c", script]).then(
    () => undefined,
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
  assert.ok(failed, "the script should fail");
  assert.match(failed.stdout, /hello world/);
  assert.doesNotMatch(failed.stdout, /never|all blocks passed/);
  assert.match(failed.stderr, /### failed in block 2/);
});

test("a guide whose blocks all succeed says so", async () => {
  const { stdout } = await promisify(execFile)("bash", ["-c", guideScript(["true\n", "echo ok\n"])]);
  assert.match(stdout, /### block 2\nok\n### all blocks passed/);
});
