import { PLUGIN_ID_RE } from "../helper-api/definition-schema.ts";
import { SDK_VERSION } from "../helper-api/plugin.ts";

/** Everything the templates derive from the plugin id and the host's SDK version. */
export interface ScaffoldNames {
  /** The plugin id, kebab-case. */
  readonly id: string;
  /** The npm package name: the id, prefixed so a search for the prefix finds it too. */
  readonly packageName: string;
  /** `acme-wifi` → `Acme Wifi` (at most 32 characters, the SDK's limit). */
  readonly displayName: string;
  /** Placeholder SSID and portal host, on `.example` (RFC 2606), for the operator to replace. */
  readonly ssid: string;
  readonly portalHost: string;
  /** `sdk` in the definition: this host's SDK version as a caret range. */
  readonly sdkRange: string;
}

/** Why `id` cannot name a plugin, or undefined when it can. */
export function invalidIdReason(id: string): string | undefined {
  if (id.length === 0) return "the plugin id is empty";
  if (id.length > 64) return "the plugin id is longer than 64 characters";
  if (!PLUGIN_ID_RE.test(id)) {
    return `'${id}' is not kebab-case (lower-case letters and digits in words joined by single hyphens, e.g. acme-wifi)`;
  }
  return undefined;
}

const PACKAGE_PREFIX = "hotspot-helper-plugin-";

export function scaffoldNames(id: string): ScaffoldNames {
  const words = id.split("-").map((w) => w.charAt(0).toUpperCase() + w.slice(1));
  const displayName = words.join(" ").slice(0, 32).trim();
  return {
    id,
    packageName: id.startsWith(PACKAGE_PREFIX) ? id : `${PACKAGE_PREFIX}${id}`,
    displayName,
    ssid: displayName,
    portalHost: `login.${id}.example`,
    sdkRange: `^${SDK_VERSION}`,
  };
}
