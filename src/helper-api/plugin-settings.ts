import type { z } from "zod";
import type { PluginSettings } from "../config/schema.ts";
import { type HotspotError, hotspotError, reasonOf } from "../errors.ts";
import { type DefinitionOrigin, validateClaims, validatePortalHosts } from "./definition-schema.ts";
import type { Plugin } from "./plugin.ts";
import type { LoadedPlugin } from "./registry-types.ts";

/**
 * Applies the user's settings to a validated definition: parses config and credentials
 * with the plugin's schemas, then resolves claims and portal hosts that depend on config.
 * See loadRegistry for the rules on absent config.
 */

type SafeParse = ReturnType<z.ZodType<unknown>["safeParse"]>;

function configInvalid(plugin: string, field: string, reason: string): HotspotError {
  return hotspotError("HH_PLUGIN_CONFIG_INVALID", { plugin, field, reason });
}

function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
}

function stringLeaves(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string" || typeof value === "number") {
    if (String(value).length > 0) out.push(String(value));
  } else if (typeof value === "object" && value !== null) {
    for (const v of Object.values(value)) stringLeaves(v, out);
  }
  return out;
}

function parseConfig(definition: Plugin<unknown, unknown>, input: unknown): unknown {
  const schema = definition.configSchema;
  if (!schema) {
    if (input !== undefined)
      throw configInvalid(definition.id, "config", "this plugin takes no configuration");
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
  const issue = parsed.error.issues[0];
  throw configInvalid(definition.id, `config${issuePath(issue?.path ?? [])}`, issue?.message ?? "invalid");
}

function parseCredentials(definition: Plugin<unknown, unknown>, input: unknown): unknown {
  if (input === undefined) return undefined;
  const schema = definition.credentialsSchema;
  if (!schema) throw configInvalid(definition.id, "credentials", "this plugin takes no credentials");
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  // A schema's message may quote the input (a custom message, an enum listing); credential
  // values must never reach an error, so such a message is replaced by the issue's code.
  const secrets = stringLeaves(input);
  const message = issue?.message ?? "invalid";
  const reason = secrets.some((s) => message.includes(s)) ? `invalid (${issue?.code ?? "custom"})` : message;
  throw configInvalid(definition.id, `credentials${issuePath(issue?.path ?? [])}`, reason);
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

/** The frozen LoadedPlugin for `definition` under `settings` (from `config.plugins[id]`). */
export function resolvePlugin(
  definition: Plugin<unknown, unknown>,
  source: string,
  settings: PluginSettings | undefined,
): LoadedPlugin {
  const origin: DefinitionOrigin = { path: source, id: definition.id };
  const config = parseConfig(definition, settings?.config);
  const credentials = parseCredentials(definition, settings?.credentials);
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
