import type { z } from "zod";
import type { PluginSettings } from "../config/schema.ts";
import { type HotspotError, hotspotError, reasonOf } from "../errors.ts";
import { secretLeaves } from "../util/redact.ts";
import { allIssues, redactedIssues } from "../util/zod.ts";
import { type DefinitionOrigin, validateClaims, validatePortalHosts } from "./definition-schema.ts";
import type { Plugin } from "./plugin.ts";
import type { LoadedPlugin } from "./registry-types.ts";

/**
 * Applies the user's settings to a validated definition: parses config and credentials
 * with the plugin's schemas, then resolves claims and portal hosts that depend on config.
 * See loadRegistry for the rules on absent config.
 */

type SafeParse = ReturnType<z.ZodType<unknown>["safeParse"]>;

/** The files a plugin's settings came from, so errors can say which file to fix. */
export interface SettingsFiles {
  readonly config?: string | undefined;
  readonly credentials?: string | undefined;
}

function configInvalid(
  plugin: string,
  field: string,
  reason: string,
  file: string | undefined,
): HotspotError {
  return hotspotError("HH_PLUGIN_CONFIG_INVALID", { plugin, field, reason, file });
}

function parseConfig(
  definition: Plugin<unknown, unknown>,
  input: unknown,
  file: string | undefined,
): unknown {
  const schema = definition.configSchema;
  if (!schema) {
    if (input !== undefined)
      throw configInvalid(definition.id, "config", "this plugin takes no configuration", file);
    return undefined;
  }
  let parsed: SafeParse;
  if (input === undefined) {
    const fromUndefined = schema.safeParse(undefined);
    parsed = fromUndefined.success ? fromUndefined : schema.safeParse({});
  } else {
    parsed = schema.safeParse(input);
  }
  if (parsed.success) return parsed.data;
  const { field, reason } = allIssues(parsed.error, ["config"]);
  throw configInvalid(definition.id, field, reason, file);
}

function parseCredentials(
  definition: Plugin<unknown, unknown>,
  input: unknown,
  file: string | undefined,
): unknown {
  if (input === undefined) return undefined;
  const schema = definition.credentialsSchema;
  if (!schema) throw configInvalid(definition.id, "credentials", "this plugin takes no credentials", file);
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  // A schema's message may quote the input (a custom message, an enum listing); credential
  // values must never reach an error, so such a message is replaced by the issue's code.
  const { field, reason } = redactedIssues(parsed.error, secretLeaves(input), ["credentials"]);
  throw configInvalid(definition.id, field, reason, file);
}

function callWithConfig<T>(
  origin: DefinitionOrigin,
  field: string,
  fn: (config: unknown) => T,
  config: unknown,
): T {
  try {
    return fn(config);
  } catch (e) {
    throw hotspotError(
      "HH_PLUGIN_DEFINITION_INVALID",
      {
        plugin: origin.id ?? origin.path,
        path: origin.path,
        field,
        reason: `the ${field} function threw: ${reasonOf(e)}`,
      },
      { cause: e },
    );
  }
}

/**
 * The frozen LoadedPlugin for `definition` under `settings` (from `config.plugins[id]`).
 * Invalid config or credentials are HH_PLUGIN_CONFIG_INVALID listing every problem, naming
 * the file from `files` when the caller knows it.
 */
export function resolvePlugin(
  definition: Plugin<unknown, unknown>,
  source: string,
  settings: PluginSettings | undefined,
  files: SettingsFiles = {},
): LoadedPlugin {
  const origin: DefinitionOrigin = { path: source, id: definition.id };
  const config = parseConfig(definition, settings?.config, files.config);
  const credentials = parseCredentials(definition, settings?.credentials, files.credentials);
  const rawClaims = definition.claims ?? [];
  const claims =
    typeof rawClaims === "function"
      ? validateClaims(callWithConfig(origin, "claims", rawClaims, config), origin)
      : rawClaims;
  const rawHosts = definition.portalHosts ?? [];
  const portalHosts = Object.freeze(
    typeof rawHosts === "function"
      ? validatePortalHosts(callWithConfig(origin, "portalHosts", rawHosts, config), origin)
      : rawHosts,
  );
  return Object.freeze({
    id: definition.id,
    displayName: definition.displayName,
    version: definition.version,
    priority: definition.priority ?? 0,
    source,
    definition,
    config,
    credentials,
    claims,
    portalHosts,
  });
}
