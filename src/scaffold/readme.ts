import type { ScaffoldNames } from "./names.ts";

/** The operator's README: what the folder holds, how to test it, what to change, how to ship it. */
export function readme(n: ScaffoldNames): string {
  return `# ${n.displayName}: a hotspot-helper plugin

Logs the user in to ${n.displayName}'s captive portal when their laptop joins
"${n.ssid}", so they never see the login page.

| file | what it is |
|---|---|
| \`index.ts\` | the plugin: claims, portal hosts, config and credentials schemas, and the evaluate, authenticate, maintain and logoff hooks |
| \`harness.config.json\` | the plugin's config for test runs (the simulated portal is plain HTTP on 127.0.0.1) |
| \`test/plugin.test.js\` | runs the plugin against simulated portals: \`npm test\` |
| \`tsconfig.json\` | strict type checking: \`npm run typecheck\` |

## Test it

\`\`\`sh
npm install
npm run typecheck
npm test
hotspot plugin test . --scenario form-login     # the same run, step by step, with the portal's request log
\`\`\`

\`hotspot harness list\` shows every simulated portal. The generated plugin passes
\`form-login\` and its variants as it is; change one thing at a time and keep it passing.

## Make it yours

1. In \`index.ts\`, set the defaults of \`ssid\` and \`portalHost\` to your network's SSID and
   your portal's host (credentials are sent to that host only, over HTTPS).
2. If your portal's form differs (other field names, a terms checkbox, a voucher code),
   change \`authenticate\` and the \`credentials\` schema.
3. Keep \`evaluate\` strict: it answers \`none\` for a portal on another host, so an evil twin
   broadcasting your SSID never gets an account.

Users store their account with \`hotspot credentials set ${n.id}\`.

## Ship it

\`npm publish\` (the package carries the keyword \`hotspot-helper-plugin\`, which is how
hotspot-helper finds installed plugins). Users install it with npm into one of the folders
hotspot-helper searches for plugins; see docs/plugins.md in hotspot-helper.
`;
}
