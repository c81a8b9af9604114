import { createRequire } from "node:module";

/**
 * puppeteer-core, loaded on first use through `require` (its CommonJS build) rather than
 * `import()`. A plugin's own process runs with ESM loader hooks (they give plugins outside
 * the package `hotspot-helper/sdk`, and compile TypeScript from a checkout), which Node
 * runs on a thread of their own: every one of puppeteer's few hundred ES modules then
 * crosses to that thread to be resolved and loaded, about 1.2 s on the 2-core test machine,
 * as long as the whole warm login. `require` does not go through those hooks (0.2 s), and
 * the daemon's own launches lose nothing by it. Types are the same for both builds.
 */
export function puppeteer(): typeof import("puppeteer-core") {
  const loaded: typeof import("puppeteer-core") = createRequire(import.meta.url)("puppeteer-core");
  return loaded;
}
