import { relative } from "node:path";
import { scaffoldPlugin } from "../scaffold/scaffold.ts";
import { type ParsedArgs, stringOption, usageError } from "./args.ts";
import type { Command } from "./command.ts";
import type { CliIo } from "./io.ts";

const USAGE = "hotspot plugin new ID [--dir DIR] [--json]";

export const command: Command = {
  usage: USAGE,
  description:
    "Creates a plugin folder (default ./ID) that works as generated: package.json with the " +
    "hotspot-helper-plugin keyword and this host's SDK range, a strict tsconfig, index.ts that logs in " +
    "to a form portal (claims, portal hosts from config, a credentials schema, evaluate, authenticate, " +
    "maintain and logoff), harness.config.json, a node --test file that runs the plugin against the " +
    "harness's form-login portals, and a README. The folder must not exist or must be empty.",
  options: {
    dir: { type: "string", valueName: "DIR", description: "Folder to create (default ./ID)." },
  },
  common: ["json"],
  positionals: true,
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const [, id, ...rest] = args.positionals;
    if (id === undefined || rest.length > 0) throw usageError("plugin", command, "give one plugin ID");
    const dir = stringOption(args, "dir");
    const result = await scaffoldPlugin({ id, ...(dir === undefined ? {} : { dir }) });
    if (args.common.format === "json") {
      io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    }
    const rel = relative(process.cwd(), result.dir);
    const where = rel === "" ? "." : rel.startsWith("..") ? result.dir : rel;
    io.stdout.write(
      [
        `created plugin ${id} in ${where}:`,
        ...result.files.map((f) => `  ${f}`),
        "",
        "next:",
        `  cd ${where}`,
        "  npm install            # the SDK's types and the test harness (hotspot-helper) and TypeScript",
        "  npm test               # runs the plugin against simulated form-login portals",
        "  hotspot plugin test . --scenario form-login",
        "",
      ].join("\n"),
    );
    return 0;
  },
};
