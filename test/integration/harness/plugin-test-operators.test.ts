import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { captureIo } from "../../../src/cli/io.ts";
import { main } from "../../../src/cli/main.ts";

let dir = "";
let state = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "hh-plugin-test-ops-"));
  state = join(dir, "state");
});
after(() => rm(dir, { recursive: true, force: true }));

/** A plugin folder outside the repository, as an operator writes one. */
async function pluginDir(name: string, source: string, harnessConfig?: unknown): Promise<string> {
  const folder = join(dir, name);
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, "index.ts"), source);
  if (harnessConfig !== undefined)
    await writeFile(join(folder, "harness.config.json"), JSON.stringify(harnessConfig));
  return folder;
}

async function pluginTest(args: readonly string[]): Promise<{ code: number; out: string }> {
  const io = captureIo({ STATE_DIRECTORY: state, HOME: dir });
  const code = await main(["plugin", "test", ...args], io);
  return { code, out: io.stdoutText() + io.stderrText() };
}

const stepStatus = (out: string, step: string): string | undefined =>
  new RegExp(`^ {2}(PASS|FAIL|SKIP) {2}${step} `, "m").exec(out)?.[1];

/**
 * A form-portal plugin whose credentials have the keys `keys`, filled into the form fields
 * `fields` (same order). Evaluate is high only on its own portal host (config), so an evil
 * twin gets `none`.
 */
function formPlugin(id: string, keys: readonly string[], fields: readonly string[] = keys): string {
  const schema = keys.map((k) => `${JSON.stringify(k)}: z.string()`).join(", ");
  const values = fields.map(
    (f, i) => `${JSON.stringify(f)}: String(credentials[${JSON.stringify(keys[i])}])`,
  );
  return `import { definePlugin, z } from "hotspot-helper/sdk";
export default definePlugin({
  id: ${JSON.stringify(id)},
  displayName: ${JSON.stringify(id)},
  version: "1.0.0",
  sdk: "^0.1.0",
  claims: [{ ssid: "Hotel Guest", confidence: "high" }],
  configSchema: z.object({ portalHost: z.string(), allowHttp: z.boolean() }),
  portalHosts: (c) => [{ host: c.portalHost, allowHttp: c.allowHttp }],
  credentialsSchema: z.object({ ${schema} }),
  async evaluate({ portal, config }) {
    const host = portal.loginUrl ? new URL(portal.loginUrl).hostname : undefined;
    return { confidence: host === config.portalHost ? "high" : "none" };
  },
  async authenticate({ portal, forms, credentials, checkOnline }) {
    if (!portal.loginUrl || !credentials) return { result: "failure", reason: "no portal or account" };
    const { forms: found } = await forms.load(portal.loginUrl);
    const form = found.find((f) => f.inputs.some((i) => i.name === ${JSON.stringify(fields[0])}));
    if (!form) return { result: "failure", reason: "no login form" };
    await forms.submit(form, { ${values.join(", ")} });
    return (await checkOnline()).verdict === "online"
      ? { result: "success" }
      : { result: "failure", reason: "not let in" };
  },
});
`;
}

const LOCAL = { portalHost: "127.0.0.1", allowHttp: true };

describe("hotspot plugin test: the README's example plugin", () => {
  let readmeDir = "";
  before(async () => {
    const readme = await readFile(new URL("../../../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("## Writing a plugin"));
    const ts = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    const json = /```json\n([\s\S]*?)```/.exec(section)?.[1];
    assert.ok(ts && json, "the README's Writing a plugin section has the plugin and its harness.config.json");
    readmeDir = join(dir, "acme-wifi");
    await mkdir(readmeDir, { recursive: true });
    await writeFile(join(readmeDir, "index.ts"), ts);
    await writeFile(join(readmeDir, "harness.config.json"), json);
  });

  test("passes form-login exactly as written, naming its config and account", async () => {
    const { code, out } = await pluginTest([readmeDir, "--scenario", "form-login"]);
    assert.equal(code, 0, out);
    assert.match(out, /result: PASS/);
    assert.equal(stepStatus(out, "authenticate"), "PASS");
    assert.ok(out.includes(`config: ${join(readmeDir, "harness.config.json")}`));
    assert.match(out, /account: user="hh-test-[0-9a-f]+", pass=\*\*\* \(from .*harness\.config\.json\)/);
  });

  test("refusing the evil twin fails a login run, with a hint, and passes with --expect declined", async () => {
    const login = await pluginTest([readmeDir, "--scenario", "hostile:evil-twin"]);
    assert.equal(login.code, 1);
    assert.match(login.out, /hint: .*--expect declined/);
    const declined = await pluginTest([readmeDir, "--scenario", "hostile:evil-twin", "--expect", "declined"]);
    assert.equal(declined.code, 0, declined.out);
    assert.match(declined.out, /PASS {2}evaluate +none \(declined, as expected\)/);
    assert.equal(stepStatus(declined.out, "credentials"), "PASS");
  });

  test("--expect declined fails a plugin that logs in where it should refuse", async () => {
    const { code, out } = await pluginTest([readmeDir, "--scenario", "form-login", "--expect", "declined"]);
    assert.equal(code, 1);
    assert.match(out, /FAIL {2}authenticate +success: expected the plugin to refuse/);
  });

  test("a network without a portal: the plugin declines and --expect declined passes", async () => {
    const { code, out } = await pluginTest([readmeDir, "--scenario", "not-captive", "--expect", "declined"]);
    assert.equal(code, 0, out);
    assert.equal(stepStatus(out, "authenticate"), "SKIP");
  });
});

describe("hotspot plugin test: accounts that are not a username and password", () => {
  test("room number and surname from --account pass form-login; the surname never appears", async () => {
    const folder = await pluginDir("hotel", formPlugin("hotel", ["room", "surname"]), LOCAL);
    const account = JSON.stringify({ room: "412", surname: "Featherstonehaugh" });
    const { code, out } = await pluginTest([folder, "--scenario", "form-login", "--account", account]);
    assert.equal(code, 0, out);
    assert.match(out, /account: room="412", surname=\*\*\* \(from --account\)/);
    assert.doesNotMatch(out, /Featherstonehaugh/);
  });

  test("the portal lets in only the account's values: a plugin sending them in the wrong fields fails", async () => {
    const folder = await pluginDir(
      "hotel-swapped",
      formPlugin("hotel-swapped", ["room", "surname"], ["surname", "room"]),
      LOCAL,
    );
    const account = JSON.stringify({ room: "412", surname: "Smith" });
    const { code, out } = await pluginTest([folder, "--scenario", "form-login", "--account", account]);
    assert.equal(code, 1);
    assert.match(out, /FAIL {2}authenticate +failure: not let in/);
  });

  test("a voucher code from harness.config.json's account passes; account is not part of the plugin's config", async () => {
    const folder = await pluginDir("voucher", formPlugin("voucher", ["code"]), {
      ...LOCAL,
      account: { code: "K7P-4QX-22" },
    });
    const { code, out } = await pluginTest([folder, "--scenario", "form-login:direct"]);
    assert.equal(code, 0, out);
    assert.match(out, /account: code=\*\*\* \(from .*voucher.harness\.config\.json\)/);
  });

  test("e-mail and password pass form-login", async () => {
    const folder = await pluginDir("mail", formPlugin("mail", ["email", "password"]), LOCAL);
    const account = JSON.stringify({ email: "guest@hotel.example", password: "pw-0815-secret" });
    const { code, out } = await pluginTest([folder, "--scenario", "form-login", "--account", account]);
    assert.equal(code, 0, out);
    assert.doesNotMatch(out, /pw-0815-secret/);
  });

  test("a malformed --account is a coded error naming the problem, not the value", async () => {
    const folder = await pluginDir("hotel-bad", formPlugin("hotel-bad", ["room"]), LOCAL);
    const bad = await pluginTest([folder, "--scenario", "form-login", "--account", '{"room": ""}']);
    assert.equal(bad.code, 2);
    assert.match(bad.out, /--account: account\.room/);
    const notJson = await pluginTest([folder, "--scenario", "form-login", "--account", "{room: s3cr3t"]);
    assert.equal(notJson.code, 2);
    assert.doesNotMatch(notJson.out, /s3cr3t/);
  });
});

const NONE_THEN_LOGIN = `import { definePlugin, z } from "hotspot-helper/sdk";
export default definePlugin({
  id: "shy", displayName: "Shy", version: "1.0.0", sdk: "^0.1.0",
  claims: [{ ssid: "Cafe", confidence: "high" }],
  portalHosts: [{ host: "127.0.0.1", allowHttp: true }],
  credentialsSchema: z.object({ username: z.string(), password: z.string() }),
  async evaluate() { return { confidence: "none", reason: "not sure" }; },
  async authenticate({ portal, forms, credentials }) {
    const { forms: found } = await forms.load(portal.loginUrl ?? "");
    await forms.submit(found[0], { username: credentials.username, password: credentials.password });
    return { result: "success" };
  },
});
`;

const COUNTING = `import { definePlugin } from "hotspot-helper/sdk";
export default definePlugin({
  id: "counting", displayName: "Counting", version: "1.0.0", sdk: "^0.1.0",
  claims: [{ ssid: "Cafe", confidence: "high" }],
  async authenticate({ store, log }) {
    const runs = Number((await store.get("runs")) ?? 0) + 1;
    await store.set("runs", runs);
    log.info("run " + runs);
    return { result: "failure", reason: "counting only" };
  },
});
`;

const SCAN_KEEPER = `import { definePlugin } from "hotspot-helper/sdk";
export default definePlugin({
  id: "scan-keeper", displayName: "Scan keeper", version: "1.0.0", sdk: "^0.1.0",
  claims: [{ ssid: "Cafe", confidence: "high" }],
  async filterScanList(networks, { store }) {
    if ((await store.get("scanned")) === undefined) await store.set("scanned", networks.length);
    return [];
  },
  async authenticate({ store, log }) {
    log.info("scanned before: " + String(await store.get("scanned")));
    return { result: "failure", reason: "reads only" };
  },
});
`;

const SLOW = `import { definePlugin } from "hotspot-helper/sdk";
export default definePlugin({
  id: "slow", displayName: "Slow", version: "1.0.0", sdk: "^0.1.0",
  claims: [{ ssid: "Cafe", confidence: "high" }],
  authenticate: ({ signal }) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
});
`;

describe("hotspot plugin test: as the daemon would", () => {
  test("evaluate none ends the run; --force goes on to log in", async () => {
    const folder = await pluginDir("shy", NONE_THEN_LOGIN);
    const stopped = await pluginTest([folder, "--scenario", "form-login:direct"]);
    assert.equal(stopped.code, 1);
    assert.match(stopped.out, /SKIP {2}authenticate +evaluate answered none/);
    assert.doesNotMatch(stopped.out, /POST/);
    const forced = await pluginTest([folder, "--scenario", "form-login:direct", "--force"]);
    assert.equal(stepStatus(forced.out, "authenticate"), "PASS");
    assert.match(forced.out, /POST 302/);
  });

  test("the store persists from one run to the next, in the state directory's plugins folder", async () => {
    const folder = await pluginDir("counting", COUNTING);
    await pluginTest([folder, "--scenario", "form-login"]);
    const second = await pluginTest([folder, "--scenario", "form-login"]);
    assert.match(second.out, /info +run 2/);
    const file = join(state, "plugins", "counting", "store.json");
    assert.deepEqual(JSON.parse(await readFile(file, "utf8")), { runs: 2 });
  });

  test("what a plugin stored during hotspot list, plugin test reads: one store for every tool", async () => {
    const folder = await pluginDir("scan-keeper", SCAN_KEEPER);
    const scan = new URL("../../../fixtures/scans/demo.json", import.meta.url).pathname;
    const io = captureIo({
      STATE_DIRECTORY: state,
      HOME: dir,
      XDG_CONFIG_HOME: join(dir, "config"),
      // list keeps its descriptor cache there: a test run as root must not write /var/cache.
      XDG_CACHE_HOME: join(dir, "cache"),
    });
    const listed = await main(["list", "--scan", scan, "--plugins", folder, "--no-bundled"], io);
    assert.equal(listed, 0, io.stderrText());
    const { out } = await pluginTest([folder, "--scenario", "form-login"]);
    // plugin test's own claim step scans one network; the list's scan had all of demo.json's.
    const scanned = Number(/info +scanned before: (\d+)/.exec(out)?.[1]);
    const demo = JSON.parse(await readFile(scan, "utf8"));
    assert.equal(scanned, demo.accessPoints.length);
  });

  test("--hook-timeout caps the deadline and the timeout names plugin and hook", async () => {
    const folder = await pluginDir("slow", SLOW);
    const { code, out } = await pluginTest([folder, "--scenario", "form-login", "--hook-timeout", "300"]);
    assert.equal(code, 1);
    assert.match(out, /FAIL {2}authenticate +plugin slow: authenticate timed out after 300 ms/);
    const bad = await pluginTest([folder, "--scenario", "form-login", "--hook-timeout", "0"]);
    assert.equal(bad.code, 2);
  });
});
