/**
 * The `code` of a Node system error (`ENOENT`, `EPIPE`, …), if it is one. Plain checks
 * rather than a schema: the CLI's entry imports this, and `hotspot --version` should not
 * have to load zod.
 */
export function errnoCode(e: unknown): string | undefined {
  return typeof e === "object" && e !== null && "code" in e && typeof e.code === "string"
    ? e.code
    : undefined;
}
