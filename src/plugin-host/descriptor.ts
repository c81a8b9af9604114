import { z } from "zod";
import { hotspotError } from "../errors.ts";
import { type Claim, claimSchema } from "../helper-api/claims.ts";
import { portalHostSchema } from "../helper-api/definition-schema.ts";
import { displayNameSchema } from "../helper-api/display-name.ts";
import { HOOK_NAMES, type HookName, type PortalHost } from "../helper-api/plugin.ts";
import { PLUGIN_SOURCE_KINDS } from "../helper-api/plugin-paths.ts";
import type { LoadedPlugin, PluginOrigin } from "../helper-api/registry-types.ts";
import { allIssues } from "../util/zod.ts";
import { remoteDescriptor } from "./remote-plugin.ts";

/**
 * A loaded plugin described as plain data, without its code: everything the daemon's and
 * the CLI's main side read from a plugin (identity, where it came from, its resolved static
 * claims and portal hosts, which hooks exist, their deadlines, whether it wants a browser
 * or an account). A descriptor is structured-cloneable and JSON-safe, so it can come back
 * from the child process that imported the plugin, or from a cache on disk, and the main
 * side can build the claim index and decide what to call without ever running plugin code.
 *
 * What is NOT here: the plugin's config and credentials values (they stay with whoever
 * holds the settings; credentials must not land in a cache), and its zod schemas (code).
 */

/** Bumped when a field changes meaning, so a cache written by another version is ignored. */
export const DESCRIPTOR_VERSION = 1;

export interface PluginDescriptor {
  readonly descriptorVersion: typeof DESCRIPTOR_VERSION;
  readonly id: string;
  readonly displayName: string;
  readonly version: string;
  /** The SDK range the plugin declared (`sdk`). */
  readonly sdk: string;
  readonly description?: string;
  readonly priority: number;
  /** The entry file, or the inline label. */
  readonly source: string;
  readonly origin?: PluginOrigin;
  /** Static claims after resolving a claims function against the plugin's config. */
  readonly claims: readonly Claim[];
  /** Portal hosts after resolving a portalHosts function against the config. */
  readonly portalHosts: readonly PortalHost[];
  /** The hooks the plugin defines, in HOOK_NAMES order. */
  readonly hooks: readonly HookName[];
  /** The plugin's own per-hook deadlines (`timeouts`), ms; absent hooks take the config's. */
  readonly timeouts: Partial<Readonly<Record<HookName, number>>>;
  readonly needsBrowser: boolean;
  /** The plugin declares a configSchema. */
  readonly takesConfig: boolean;
  /** The plugin declares a credentialsSchema (it logs in with an account). */
  readonly takesCredentials: boolean;
  /** Credentials were configured and validated for it. */
  readonly hasCredentials: boolean;
}

const hookNameSchema = z.enum(HOOK_NAMES as [HookName, ...HookName[]]);

const originSchema = z
  .object({
    kind: z.enum(PLUGIN_SOURCE_KINDS),
    root: z.string(),
    packageName: z.string().optional(),
  })
  .strict();

/**
 * The check for descriptors from outside this process (a plugin's child process, which is
 * untrusted, or a cache file someone may have edited). Claims and portal hosts go through
 * the same schemas as at load time.
 */
export const pluginDescriptorSchema = z
  .object({
    descriptorVersion: z.literal(DESCRIPTOR_VERSION),
    id: z.string().min(1).max(64),
    displayName: displayNameSchema,
    version: z.string().min(1).max(256),
    sdk: z.string().min(1).max(256),
    description: z.string().max(200).optional(),
    priority: z.number().int().min(-1_000_000).max(1_000_000),
    source: z.string().min(1),
    origin: originSchema.optional(),
    claims: z.array(claimSchema),
    portalHosts: z.array(portalHostSchema),
    hooks: z.array(hookNameSchema),
    timeouts: z.partialRecord(hookNameSchema, z.number().int().positive().max(600_000)),
    needsBrowser: z.boolean(),
    takesConfig: z.boolean(),
    takesCredentials: z.boolean(),
    hasCredentials: z.boolean(),
  })
  .strict();

/**
 * The descriptor of a loaded plugin. Copies: nothing in it aliases the plugin's own objects.
 * For a plugin whose code runs in a child process, the descriptor its process sent.
 */
export function describePlugin(plugin: LoadedPlugin): PluginDescriptor {
  const remote = remoteDescriptor(plugin);
  if (remote) return remote;
  const d = plugin.definition;
  const timeouts: Partial<Record<HookName, number>> = {};
  for (const hook of HOOK_NAMES) {
    const ms = d.timeouts?.[hook];
    if (ms !== undefined) timeouts[hook] = ms;
  }
  return {
    descriptorVersion: DESCRIPTOR_VERSION,
    id: plugin.id,
    displayName: plugin.displayName,
    version: plugin.version,
    sdk: d.sdk,
    ...(d.description === undefined ? {} : { description: d.description }),
    priority: plugin.priority,
    source: plugin.source,
    ...(plugin.origin === undefined ? {} : { origin: structuredClone(plugin.origin) }),
    claims: structuredClone(plugin.claims),
    portalHosts: plugin.portalHosts.map((h) =>
      h.allowHttp === undefined ? { host: h.host } : { host: h.host, allowHttp: h.allowHttp },
    ),
    hooks: HOOK_NAMES.filter((hook) => typeof d[hook] === "function"),
    timeouts,
    needsBrowser: d.needsBrowser === true,
    takesConfig: d.configSchema !== undefined,
    takesCredentials: d.credentialsSchema !== undefined,
    hasCredentials: plugin.credentials !== undefined,
  };
}

/**
 * Checks a descriptor that came from outside this process; throws HH_PLUGIN_DESCRIPTOR_INVALID
 * naming where it came from (`from`: "the plugin's process", a cache file) and the field.
 */
export function parseDescriptor(value: unknown, from: string): PluginDescriptor {
  const parsed = pluginDescriptorSchema.safeParse(value);
  if (!parsed.success) {
    const { field, reason } = allIssues(parsed.error);
    throw hotspotError("HH_PLUGIN_DESCRIPTOR_INVALID", { from, field, reason });
  }
  const p = parsed.data;
  return {
    descriptorVersion: DESCRIPTOR_VERSION,
    id: p.id,
    displayName: p.displayName,
    version: p.version,
    sdk: p.sdk,
    ...(p.description === undefined ? {} : { description: p.description }),
    priority: p.priority,
    source: p.source,
    ...(p.origin === undefined
      ? {}
      : {
          origin: {
            kind: p.origin.kind,
            root: p.origin.root,
            ...(p.origin.packageName === undefined ? {} : { packageName: p.origin.packageName }),
          },
        }),
    claims: p.claims,
    portalHosts: p.portalHosts.map((h) =>
      h.allowHttp === undefined ? { host: h.host } : { host: h.host, allowHttp: h.allowHttp },
    ),
    hooks: HOOK_NAMES.filter((h) => p.hooks.includes(h)),
    timeouts: p.timeouts,
    needsBrowser: p.needsBrowser,
    takesConfig: p.takesConfig,
    takesCredentials: p.takesCredentials,
    hasCredentials: p.hasCredentials,
  };
}

/** Whether the described plugin defines `hook`. */
export function hasHook(descriptor: Pick<PluginDescriptor, "hooks">, hook: HookName): boolean {
  return descriptor.hooks.includes(hook);
}
