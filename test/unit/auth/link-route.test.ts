import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createLinkRouter, type LinkRouteLog } from "../../../src/auth/link-route.ts";
import { parseAddrShow, parseOurRules, parseOurTables } from "../../../src/auth/link-route-ip.ts";

interface Rule {
  priority: number;
  src: string;
  srclen: number;
  table: string;
  protocol?: string;
}
interface Route {
  table: string;
  dst: string;
  protocol: string;
  args: string;
}

const OUR_TABLE = String(0x4848_0000 + 3);

/** A small model of the kernel's rules and routes, driven by the argument vectors `ip` would get. */
class FakeIp {
  readonly calls: string[] = [];
  rules: Rule[] = [
    { priority: 0, src: "all", srclen: 0, table: "local" },
    { priority: 32766, src: "all", srclen: 0, table: "main" },
  ];
  routes: Route[] = [{ table: "main", dst: "default", protocol: "boot", args: "via 10.1.0.1 dev eth0" }];
  readonly tables = new Set<string>(["main", "local"]);
  readonly links = new Map<string, { ifindex: number; addrs: { local: string; prefixlen: number }[] }>([
    ["wlan0", { ifindex: 3, addrs: [{ local: "192.168.7.23", prefixlen: 24 }] }],
  ]);
  fail: ((args: readonly string[]) => Error | undefined) | undefined;

  readonly run = async (args: readonly string[]): Promise<string> => {
    this.calls.push(args.join(" "));
    const injected = this.fail?.(args);
    if (injected) throw injected;
    const [a, b, c, d] = args;
    if (a === "-json" && b === "address") {
      const link = this.links.get(args[4] ?? "");
      if (!link) throw new Error(`Device "${args[4]}" does not exist.`);
      const addr_info = link.addrs.map((x) => ({ family: "inet", ...x, scope: "global" }));
      return JSON.stringify([{ ifindex: link.ifindex, ifname: args[4], addr_info }]);
    }
    if (a === "-json" && b === "rule") {
      const rows = this.rules.filter((r) => r.priority === Number(args[4]));
      return JSON.stringify(
        rows.map((r) => ({ ...r, srclen: r.srclen === 32 || r.src === "all" ? undefined : r.srclen })),
      );
    }
    if (a === "-json" && b === "route") {
      const rows = this.routes.filter((r) => r.protocol === args[6]);
      return JSON.stringify(
        rows.map((r) => ({ dst: r.dst, ...(r.table === "main" ? {} : { table: r.table }) })),
      );
    }
    const opt = (name: string) => args[args.indexOf(name) + 1] ?? "";
    if (a === "route" && b === "replace") {
      const table = opt("table");
      this.tables.add(table);
      this.routes = this.routes.filter((r) => !(r.table === table && r.dst === c));
      this.routes.push({ table, dst: c ?? "", protocol: opt("proto"), args: args.slice(3).join(" ") });
      return "";
    }
    if (a === "route" && b === "flush") {
      const table = opt("table");
      if (!this.tables.has(table)) throw new Error("Error: ipv4: FIB table does not exist.");
      this.routes = this.routes.filter((r) => !(r.table === table && r.protocol === opt("proto")));
      return "";
    }
    if (a === "rule") {
      const [src, len] = (d ?? "").split("/");
      const rule: Rule = {
        priority: Number(opt("priority")),
        src: src ?? "",
        srclen: Number(len),
        table: opt("lookup"),
      };
      const i = this.rules.findIndex(
        (r) =>
          r.priority === rule.priority &&
          r.src === rule.src &&
          r.srclen === rule.srclen &&
          r.table === rule.table,
      );
      if (b === "add") {
        if (i >= 0) throw new Error("RTNETLINK answers: File exists");
        this.rules.push({ ...rule, protocol: opt("protocol") });
      } else {
        if (i < 0) throw new Error("RTNETLINK answers: No such file or directory");
        this.rules.splice(i, 1);
      }
      return "";
    }
    throw new Error(`unexpected ip ${args.join(" ")}`);
  };

  ours(): { rules: Rule[]; routes: Route[] } {
    return {
      rules: this.rules.filter((r) => r.priority === 5000),
      routes: this.routes.filter((r) => r.protocol === "72"),
    };
  }
}

function setup(opts: { root?: boolean } = {}) {
  const ip = new FakeIp();
  const logs: { level: string; message: string; code?: string }[] = [];
  const log: LinkRouteLog = (level, message, code) =>
    logs.push({ level, message, ...(code === undefined ? {} : { code }) });
  const router = createLinkRouter({ run: ip.run, root: opts.root ?? true, log });
  return { ip, logs, router };
}

const WIFI = { interface: "wlan0", ipv4: "192.168.7.23", gateway: "192.168.7.1" };

describe("link policy routing", () => {
  test("a pin reads the interface, fills a table of ours with the subnet and the default via the gateway, then adds the source rule", async () => {
    const { ip, router } = setup();
    await router.pin("wlan0", WIFI);
    assert.deepEqual(ip.calls, [
      "-json address show dev wlan0",
      `route replace 192.168.7.0/24 dev wlan0 src 192.168.7.23 scope link table ${OUR_TABLE} proto 72`,
      "-json rule show priority 5000",
      `route replace default via 192.168.7.1 dev wlan0 table ${OUR_TABLE} proto 72`,
      `rule add from 192.168.7.23/32 lookup ${OUR_TABLE} priority 5000 protocol 72`,
    ]);
    assert.equal(router.pinned("wlan0")?.table, 0x4848_0003);
  });

  test("the main table and other rules are never named in any command", async () => {
    const { ip, router } = setup();
    await router.pin("wlan0", WIFI);
    await router.pin("wlan0", { ...WIFI, gateway: "192.168.7.254" });
    await router.unpin("wlan0");
    await router.sweep();
    assert.ok(
      ip.calls.every((c) => !/\b(main|local|default table|table 25[345])\b/.test(c)),
      ip.calls.join("\n"),
    );
    assert.deepEqual(ip.routes, [
      { table: "main", dst: "default", protocol: "boot", args: "via 10.1.0.1 dev eth0" },
    ]);
  });

  test("pinning the same facts again runs no command and leaves one rule", async () => {
    const { ip, router } = setup();
    await router.pin("wlan0", WIFI);
    const before = ip.calls.length;
    await router.pin("wlan0", WIFI);
    assert.equal(ip.calls.length, before);
    assert.equal(ip.ours().rules.length, 1);
  });

  test("a roam to another address replaces the rule: the old source no longer steers anything", async () => {
    const { ip, router } = setup();
    await router.pin("wlan0", WIFI);
    ip.links.set("wlan0", { ifindex: 3, addrs: [{ local: "192.168.9.5", prefixlen: 24 }] });
    await router.pin("wlan0", { interface: "wlan0", ipv4: "192.168.9.5", gateway: "192.168.9.1" });
    assert.deepEqual(
      ip.ours().rules.map((r) => `${r.src} ${r.table}`),
      [`192.168.9.5 ${OUR_TABLE}`],
    );
    assert.deepEqual(
      ip
        .ours()
        .routes.map((r) => r.dst)
        .sort(),
      ["192.168.9.0/24", "default"],
    );
    assert.ok(ip.ours().routes.every((r) => !r.args.includes("192.168.7.")));
  });

  test("unpin removes our rule and routes; a second unpin runs nothing", async () => {
    const { ip, router } = setup();
    await router.pin("wlan0", WIFI);
    await router.unpin("wlan0");
    assert.deepEqual(ip.ours(), { rules: [], routes: [] });
    assert.equal(router.pinned("wlan0"), undefined);
    const before = ip.calls.length;
    await router.unpin("wlan0");
    assert.equal(ip.calls.length, before);
  });

  test("an unpin issued while the pin is still running is applied after it, leaving nothing", async () => {
    const { ip, router } = setup();
    const pinning = router.pin("wlan0", WIFI);
    const unpinning = router.unpin("wlan0");
    await Promise.all([pinning, unpinning]);
    assert.deepEqual(ip.ours(), { rules: [], routes: [] });
  });

  test("close unpins every device", async () => {
    const { ip, router } = setup();
    ip.links.set("wlan1", { ifindex: 7, addrs: [{ local: "10.5.0.9", prefixlen: 16 }] });
    await router.pin("wlan0", WIFI);
    await router.pin("wlan1", { interface: "wlan1", ipv4: "10.5.0.9", gateway: "10.5.0.1" });
    assert.equal(ip.ours().rules.length, 2);
    await router.close();
    assert.deepEqual(ip.ours(), { rules: [], routes: [] });
  });

  test("the sweep at start removes a crashed run's rules and routes and keeps everyone else's", async () => {
    const { ip, router } = setup();
    ip.rules.push(
      { priority: 5000, src: "192.168.7.23", srclen: 32, table: OUR_TABLE, protocol: "72" },
      { priority: 5000, src: "10.8.0.0", srclen: 16, table: "100" },
      { priority: 5210, src: "all", srclen: 0, table: "52" },
    );
    ip.tables.add(OUR_TABLE);
    ip.routes.push(
      { table: OUR_TABLE, dst: "default", protocol: "72", args: "via 192.168.7.1 dev wlan0" },
      { table: "100", dst: "default", protocol: "static", args: "via 10.8.0.1 dev tun0" },
    );
    await router.sweep();
    assert.deepEqual(
      ip.rules.map((r) => `${r.priority} ${r.src} ${r.table}`),
      ["0 all local", "32766 all main", "5000 10.8.0.0 100", "5210 all 52"],
    );
    assert.deepEqual(
      ip.routes.map((r) => r.table),
      ["main", "100"],
    );
  });

  test("a leftover rule for the same address is replaced on pin, so exactly one rule steers it", async () => {
    const { ip, router } = setup();
    ip.rules.push({ priority: 5000, src: "192.168.7.23", srclen: 32, table: String(0x4848_0009) });
    await router.pin("wlan0", WIFI);
    assert.deepEqual(
      ip.ours().rules.map((r) => r.table),
      [OUR_TABLE],
    );
  });

  test("without root nothing runs, and the reason is logged once", async () => {
    const { ip, logs, router } = setup({ root: false });
    await router.sweep();
    await router.pin("wlan0", WIFI);
    await router.unpin("wlan0");
    await router.close();
    assert.deepEqual(ip.calls, []);
    assert.equal(logs.length, 1);
    assert.match(logs[0]?.message ?? "", /not running as root/);
  });

  test("without an ip binary the router turns itself off after one log line", async () => {
    const { ip, logs, router } = setup();
    ip.fail = () => Object.assign(new Error("spawn ip ENOENT"), { code: "ENOENT" });
    await router.pin("wlan0", WIFI);
    await router.pin("wlan0", { ...WIFI, ipv4: "192.168.7.24" });
    await router.sweep();
    assert.equal(ip.calls.length, 1);
    assert.deepEqual(
      logs.map((l) => [l.level, /no `ip` binary/.test(l.message)]),
      [["info", true]],
    );
  });

  test("made-up link facts (an address not on the interface, a missing interface) install nothing", async () => {
    const { ip, logs, router } = setup();
    await router.pin("wlan0", { interface: "wlan0", ipv4: "10.23.0.42", gateway: "10.23.0.1" });
    await router.pin("wlan9", { interface: "wlan9", ipv4: "10.23.0.42", gateway: "10.23.0.1" });
    assert.deepEqual(ip.calls, ["-json address show dev wlan0", "-json address show dev wlan9"]);
    assert.deepEqual(ip.ours(), { rules: [], routes: [] });
    assert.deepEqual(
      logs.map((l) => l.level),
      ["debug", "debug"],
    );
  });

  test("no IPv4 address, no gateway or a loopback link install nothing and ask ip nothing", async () => {
    const { ip, router } = setup();
    await router.pin("wlan0", { interface: "wlan0" });
    await router.pin("wlan0", { interface: "wlan0", ipv4: "192.168.7.23" });
    await router.pin("hh-test0", { interface: "hh-test0", ipv4: "127.0.0.1", gateway: "127.0.0.1" });
    assert.deepEqual(ip.calls, []);
  });

  test("a gateway outside the subnet gets onlink, and a /32 address gets no subnet route", async () => {
    const { ip, router } = setup();
    ip.links.set("wlan0", { ifindex: 3, addrs: [{ local: "100.64.3.3", prefixlen: 32 }] });
    await router.pin("wlan0", { interface: "wlan0", ipv4: "100.64.3.3", gateway: "100.64.0.1" });
    assert.deepEqual(
      ip.ours().routes.map((r) => `${r.dst} ${r.args}`),
      [`default via 100.64.0.1 dev wlan0 onlink table ${OUR_TABLE} proto 72`],
    );
  });

  test("a failing rule add is logged with its code, rolled back, and the pin still resolves", async () => {
    const { ip, logs, router } = setup();
    ip.fail = (args) =>
      args[0] === "rule" && args[1] === "add" ? new Error("RTNETLINK answers: Permission denied") : undefined;
    await router.pin("wlan0", WIFI);
    assert.deepEqual(ip.ours(), { rules: [], routes: [] });
    assert.equal(router.pinned("wlan0"), undefined);
    const warn = logs.find((l) => l.level === "warn");
    assert.equal(warn?.code, "HH_LINK_ROUTE_FAILED");
    assert.match(warn?.message ?? "", /wlan0.*Permission denied/);
  });

  test("a rule that cannot be deleted does not stop the table from being emptied, and is reported", async () => {
    const { ip, logs, router } = setup();
    await router.pin("wlan0", WIFI);
    ip.fail = (args) =>
      args[0] === "rule" && args[1] === "del" ? new Error("RTNETLINK answers: Busy") : undefined;
    await router.unpin("wlan0");
    assert.deepEqual(ip.ours().routes, []);
    assert.equal(router.pinned("wlan0"), undefined);
    assert.deepEqual(
      logs.filter((l) => l.level === "warn").map((l) => l.code),
      ["HH_LINK_ROUTE_FAILED"],
    );
  });
});

describe("link policy routing on the join's critical path", () => {
  const localSetup = () => {
    const ip = new FakeIp();
    const logs: { level: string; message: string; code?: string }[] = [];
    const log: LinkRouteLog = (level, message, code) =>
      logs.push({ level, message, ...(code === undefined ? {} : { code }) });
    const asked: string[] = [];
    const addressOn = async (iface: string, ipv4: string) => {
      asked.push(`${iface} ${ipv4}`);
      return iface === "wlan0" && ipv4 === WIFI.ipv4 ? { ifindex: 3, prefixlen: 24 } : undefined;
    };
    const router = createLinkRouter({ run: ip.run, root: true, log, addressOn });
    return { ip, logs, asked, router };
  };

  test("with the address read in process, a pin runs no ip address show", async () => {
    const { ip, asked, router } = localSetup();
    await router.pin("wlan0", WIFI);
    await router.pin("wlan0", { interface: "wlan0", ipv4: "10.23.0.42", gateway: "10.23.0.1" });
    assert.deepEqual(asked, ["wlan0 192.168.7.23", "wlan0 10.23.0.42"]);
    assert.ok(ip.calls.every((c) => !c.includes("address show")));
    assert.equal(router.pinned("wlan0"), undefined);
    assert.deepEqual(ip.ours(), { rules: [], routes: [] });
  });

  test("the read of our rules runs while the table's routes go in; the rule is added after both", async () => {
    const ip = new FakeIp();
    const held: { args: string; release: () => void }[] = [];
    const run = (args: readonly string[]): Promise<string> => {
      if (args[0] !== "route") return ip.run(args);
      return new Promise((resolve, reject) =>
        held.push({ args: args.join(" "), release: () => ip.run(args).then(resolve, reject) }),
      );
    };
    const router = createLinkRouter({
      run,
      root: true,
      addressOn: async () => ({ ifindex: 3, prefixlen: 24 }),
    });
    const pinned = router.pin("wlan0", WIFI);
    while (held.length === 0) await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(ip.calls, ["-json rule show priority 5000"]);
    held.shift()?.release();
    while (held.length === 0) await new Promise((resolve) => setImmediate(resolve));
    assert.ok(!ip.calls.some((c) => c.startsWith("rule add")));
    held.shift()?.release();
    await pinned;
    assert.deepEqual(ip.calls.slice(-1), [
      `rule add from 192.168.7.23/32 lookup ${OUR_TABLE} priority 5000 protocol 72`,
    ]);
    assert.deepEqual(
      ip.ours().rules.map((r) => r.src),
      ["192.168.7.23"],
    );
  });

  test("a failing route while our rules are read rolls the pin back and is logged", async () => {
    const { ip, logs, router } = localSetup();
    ip.fail = (args) =>
      args[0] === "route" && args[2] === "default"
        ? new Error("RTNETLINK answers: Network is unreachable")
        : undefined;
    await router.pin("wlan0", WIFI);
    assert.deepEqual(ip.ours(), { rules: [], routes: [] });
    assert.equal(router.pinned("wlan0"), undefined);
    assert.ok(!ip.calls.some((c) => c.startsWith("rule add")));
    assert.deepEqual(
      logs.filter((l) => l.level === "warn").map((l) => l.code),
      ["HH_LINK_ROUTE_FAILED"],
    );
  });

  test("without an ip binary, found only when the routes go in, the router turns itself off", async () => {
    const { ip, logs, router } = localSetup();
    ip.fail = () => Object.assign(new Error("spawn ip ENOENT"), { code: "ENOENT" });
    await router.pin("wlan0", WIFI);
    const calls = ip.calls.length;
    await router.pin("wlan0", { ...WIFI, ipv4: "192.168.7.24" });
    await router.sweep();
    assert.equal(ip.calls.length, calls);
    assert.deepEqual(
      logs.map((l) => [l.level, /no `ip` binary/.test(l.message)]),
      [["info", true]],
    );
  });
});

describe("reading ip -json output", () => {
  test("the prefix of the address on the interface is found; another address is not", () => {
    const text = JSON.stringify([
      {
        ifindex: 4,
        ifname: "wlan0",
        addr_info: [
          { family: "inet6", local: "fe80::1", prefixlen: 64 },
          { family: "inet", local: "172.20.1.9", prefixlen: 22 },
        ],
      },
    ]);
    assert.deepEqual(parseAddrShow(text, "172.20.1.9"), { ifindex: 4, prefixlen: 22 });
    assert.equal(parseAddrShow(text, "172.20.1.10"), undefined);
  });

  test("only rules at our priority into our table range count as ours, srclen defaulting to 32", () => {
    const text = JSON.stringify([
      { priority: 0, src: "all", table: "local" },
      { priority: 5000, src: "10.0.0.2", table: "1212678147", protocol: "72" },
      { priority: 5000, src: "10.0.0.3", table: "main" },
      { priority: 5000, src: "10.0.0.4", table: "1212678147", protocol: "hh" },
      { priority: 32766, src: "all", table: "main" },
    ]);
    assert.deepEqual(
      parseOurRules(text).map((r) => `${r.src}/${r.srclen} ${r.table}`),
      ["10.0.0.2/32 1212678147", "10.0.0.4/32 1212678147"],
    );
  });

  test("empty output is an empty list, and routes without a table (main) are never ours", () => {
    assert.deepEqual(parseOurRules(""), []);
    const routes = JSON.stringify([
      { dst: "default" },
      { dst: "default", table: "1212678150" },
      { table: "100" },
    ]);
    assert.deepEqual(parseOurTables(routes), ["1212678150"]);
  });

  test("output that is not what ip prints is rejected rather than guessed at", () => {
    assert.throws(() => parseOurRules('{"priority":"x"}'));
    assert.throws(() => parseAddrShow("[{}]", "10.0.0.1"));
  });
});
