import { readFile } from "node:fs/promises";

/**
 * This package's own package.json, parsed and not yet checked (each caller checks the fields
 * it reads): two folders up from this module both in the sources (src/util/) and in the
 * compiled package (dist/util/).
 */
export async function ownPackageJson(): Promise<unknown> {
  return JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8"));
}
