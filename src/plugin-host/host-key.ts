import { ownPackageJson } from "../util/own-package.ts";

/**
 * Who wrote a descriptor-cache entry (descriptor-cache.ts only uses an entry written under
 * the same key): this package's version, and whether it ran from its sources or its build.
 * `hotspot list` uses the key as it is; the daemon appends its own suffix so that its
 * entries never mix with list's.
 */
export async function hostKey(): Promise<string> {
  const pkg = await ownPackageJson();
  const version =
    typeof pkg === "object" && pkg !== null && "version" in pkg && typeof pkg.version === "string"
      ? pkg.version
      : "unknown";
  // A checkout runs its sources: their descriptors may differ from the build's of one version.
  return `hotspot-helper ${version} ${import.meta.url.endsWith(".ts") ? "src" : "dist"}`;
}
