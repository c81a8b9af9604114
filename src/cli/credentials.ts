import type { z } from "zod";
import { escapeText, terminalSafe } from "../annotate/index.ts";
import { loadUserConfig } from "../config/load.ts";
import {
  credentialFields,
  credentialStore,
  defaultCredentialsPath,
  type Prompter,
  parseCredentialText,
  promptCredentials,
  readAll,
} from "../credentials/index.ts";
import { terminalPrompter } from "../credentials/tty.ts";
import { hotspotError } from "../errors.ts";
import { loadRegistry } from "../helper-api/loader.ts";
import { secretLeaves } from "../util/redact.ts";
import { redactedIssues } from "../util/zod.ts";
import type { ParsedArgs } from "./args.ts";
import { usageError } from "./args.ts";
import type { Command } from "./command.ts";
import type { CliIo } from "./io.ts";
import { cliPluginRoots } from "./registry.ts";

/** Where `credentials set` reads from: a terminal to prompt on, or a pipe. Injected for tests. */
export interface CredentialInput {
  /** A terminal prompter when stdin is a TTY. */
  prompter(): Prompter | undefined;
  /** Everything piped to stdin. */
  readStdin(): Promise<string>;
}

function processInput(io: CliIo): CredentialInput {
  return {
    prompter: () =>
      process.stdin.isTTY === true
        ? terminalPrompter(process.stdin, { write: (s: string) => io.stderr.write(s) })
        : undefined,
    readStdin: () => readAll(process.stdin),
  };
}

const USAGE =
  "hotspot credentials set PLUGIN | list | delete PLUGIN [--plugins DIR]... [--no-bundled] [--config FILE] [--json]";

/** The schema's complaint without quoting a value (a custom message or an enum could). */
/** Every problem with the entered credentials, never quoting a value. */
function schemaIssue(pluginId: string, error: z.ZodError, input: unknown) {
  const { field, reason } = redactedIssues(error, secretLeaves(input));
  return hotspotError("HH_CREDENTIALS_INPUT_INVALID", { plugin: pluginId, reason: `${field}: ${reason}` });
}

export function createCredentialsCommand(inputFor: (io: CliIo) => CredentialInput = processInput): Command {
  const command: Command = {
    usage: USAGE,
    description:
      "Manages the credentials plugins log in with, kept in $XDG_CONFIG_HOME/hotspot-helper/credentials.json " +
      "(mode 0600; a file others can read is refused). `set PLUGIN` asks for each field the plugin's schema " +
      "names without echoing secrets on a terminal, or reads a JSON object or key=value lines from stdin; " +
      "the values are checked against the plugin's schema before they are saved and are never printed. " +
      "`list` shows plugin ids only; `delete PLUGIN` removes one entry.",
    options: {},
    common: ["plugins", "no-bundled", "config", "json"],
    positionals: true,
    async run(args: ParsedArgs, io: CliIo): Promise<number> {
      const [action, pluginId, ...extra] = args.positionals;
      const store = credentialStore(defaultCredentialsPath(io.env));
      const wantsPlugin = action === "set" || action === "delete";
      if (
        (action !== "set" && action !== "delete" && action !== "list") ||
        (wantsPlugin && pluginId === undefined) ||
        (!wantsPlugin && pluginId !== undefined) ||
        extra.length > 0
      ) {
        throw usageError("credentials", command, "expected `set PLUGIN`, `list` or `delete PLUGIN`");
      }
      if (action === "list") {
        const ids = await store.list();
        if (args.common.format === "json")
          io.stdout.write(`${JSON.stringify({ file: store.file, plugins: ids })}\n`);
        else if (ids.length === 0) io.stdout.write(`no credentials stored in ${terminalSafe(store.file)}\n`);
        else io.stdout.write(`${ids.map((i) => escapeText(i)).join("\n")}\n`);
        return 0;
      }
      const id = pluginId ?? "";
      if (action === "delete") {
        const removed = await store.delete(id);
        io.stdout.write(
          removed
            ? `deleted credentials of ${escapeText(id)}\n`
            : `no credentials stored for ${escapeText(id)}\n`,
        );
        return removed ? 0 : 1;
      }
      // The plugin's own schema decides what its credentials look like.
      const config = await loadUserConfig(args.common.configPath, io.env);
      const registry = await loadRegistry({
        roots: cliPluginRoots(args.common, config, io.env),
        config: {
          ...config,
          plugins: Object.fromEntries(
            Object.entries(config.plugins).map(([k, v]) => [
              k,
              { enabled: v.enabled, ...(v.config === undefined ? {} : { config: v.config }) },
            ]),
          ),
        },
        strict: false,
      });
      const plugin = registry.get(id);
      if (!plugin) throw hotspotError("HH_PLUGIN_NOT_FOUND", { plugin: id });
      const schema = plugin.definition.credentialsSchema;
      if (!schema) {
        throw hotspotError("HH_CREDENTIALS_INPUT_INVALID", {
          plugin: id,
          reason: "this plugin takes no credentials",
        });
      }
      const input = inputFor(io);
      const prompter = input.prompter();
      const values = prompter
        ? await promptCredentials(credentialFields(schema), prompter)
        : parseCredentialText(await input.readStdin(), id);
      const checked = schema.safeParse(values);
      if (!checked.success) throw schemaIssue(id, checked.error, values);
      await store.set(id, values);
      io.stdout.write(`saved credentials of ${escapeText(id)} to ${terminalSafe(store.file)}\n`);
      return 0;
    },
  };
  return command;
}

export const command: Command = createCredentialsCommand();
