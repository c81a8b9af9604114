/**
 * The shell blocks of a Markdown guide that are marked to be run: fenced as ```sh test.
 * Plain ```sh blocks (a global install, a sudo step) are for the reader only.
 */
export function testedShellBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  const fence = /^```sh test[ \t]*\n([\s\S]*?)^```[ \t]*$/gm;
  for (const match of markdown.matchAll(fence)) blocks.push(match[1] ?? "");
  return blocks;
}

/**
 * One bash script running the blocks in order in one shell (variables and `cd` carry over,
 * as when a reader types them), stopping at the first failing command and saying which
 * block it was in.
 */
export function guideScript(blocks: readonly string[]): string {
  const parts = blocks.map(
    (block, i) => `echo "### block ${i + 1}"\nHH_BLOCK=${i + 1}\n${block.trimEnd()}\n`,
  );
  return [
    "set -euo pipefail",
    "HH_BLOCK=0",
    `trap 'echo "### failed in block $HH_BLOCK" >&2' ERR`,
    ...parts,
    'echo "### all blocks passed"',
  ].join("\n");
}
