import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { createLinkRouter, type IpRunner } from "../../../src/auth/link-route.ts";
import { deleteNamespaceSync, onExit } from "../../../src/harness/netns/cleanup.ts";
import { hasTool, run } from "../../../src/harness/netns/exec.ts";

const unavailable =
  process.platform !== "linux"
    ? "network namespaces need Linux"
    : process.getuid?.() !== 0
      ? "needs root (network namespaces, ip rule)"
      : (await hasTool("ip"))
        ? undefined
        : "missing ip (iproute2)";
const skip = unavailable === undefined ? false : `namespace test unavailable: ${unavailable}`;

const SCRIPT = fileURLToPath(new URL("./probe-from.ts", import.meta.url));
const NS = { client: `hh-lr-${process.pid}-c`, ap: `hh-lr-${process.pid}-a`, wan: `hh-lr-${process.pid}-w` };
const WIFI = { iface: "wlan0", ipv4: "10.60.0.2", gateway: "10.60.0.1" };
const ETH = { iface: "eth0", ipv4: "10.61.0.2", gateway: "10.61.0.1" };
/** Off-link for the client: on the access point's loopback, behind its gateway. */
const PORTAL_IP = "10.62.0.1";
const PROBE_URL = `http://${PORTAL_IP}/generate_204`;

const portalInfo = z.object({
  verdict: z.string(),
  status: z.number().optional(),
  loginUrl: z.string().optional(),
  reason: z.string().optional(),
});
const portalHit = z.object({ from: z.string(), url: z.string() });

/** The portal in the AP namespace: a 302 to its login page for everything, one JSON line per request. */
const PORTAL_JS = `
const http = require("node:http");
http.createServer((req, res) => {
  console.log(JSON.stringify({ from: req.socket.remoteAddress, url: req.url }));
  res.writeHead(302, { location: "http://${PORTAL_IP}/login", connection: "close" });
  res.end();
}).listen(80, "${PORTAL_IP}", () => console.log("ready"));
`;

describe("policy routing pins an off-link portal to the Wi-Fi link while Ethernet holds the default route", {
  skip,
}, () => {
  const hits: z.infer<typeof portalHit>[] = [];
  let portal: ChildProcess | undefined;
  const teardown = () => {
    portal?.kill("SIGKILL");
    for (const ns of Object.values(NS)) deleteNamespaceSync(ns);
  };
  let unregister = () => {};
  const inNs = (ns: string, args: readonly string[]) => run("link-route e2e", "ip", ["-n", ns, ...args]);
  const client: IpRunner = (args) => inNs(NS.client, args);

  before(async () => {
    unregister = onExit(teardown);
    for (const ns of Object.values(NS)) await run("netns", "ip", ["netns", "add", ns]);
    await run("veth", "ip", [
      "link",
      "add",
      "ap0",
      "netns",
      NS.ap,
      "type",
      "veth",
      "peer",
      "name",
      WIFI.iface,
      "netns",
      NS.client,
    ]);
    await run("veth", "ip", [
      "link",
      "add",
      "up0",
      "netns",
      NS.wan,
      "type",
      "veth",
      "peer",
      "name",
      ETH.iface,
      "netns",
      NS.client,
    ]);
    for (const ns of Object.values(NS)) await inNs(ns, ["link", "set", "lo", "up"]);
    // Client: Ethernet holds the main default route; the Wi-Fi link only has its subnet.
    await inNs(NS.client, ["addr", "add", `${WIFI.ipv4}/24`, "dev", WIFI.iface]);
    await inNs(NS.client, ["addr", "add", `${ETH.ipv4}/24`, "dev", ETH.iface]);
    await inNs(NS.client, ["link", "set", WIFI.iface, "up"]);
    await inNs(NS.client, ["link", "set", ETH.iface, "up"]);
    await inNs(NS.client, ["route", "add", "default", "via", ETH.gateway, "dev", ETH.iface]);
    // Strict reverse-path filtering, as many distributions set it.
    await run("rp_filter", "sysctl", ["-qw", "net.ipv4.conf.all.rp_filter=1"], { netns: NS.client });
    // Access point: the Wi-Fi gateway, with the portal on an address of its own off the Wi-Fi subnet.
    await inNs(NS.ap, ["addr", "add", `${WIFI.gateway}/24`, "dev", "ap0"]);
    await inNs(NS.ap, ["link", "set", "ap0", "up"]);
    await inNs(NS.ap, ["addr", "add", `${PORTAL_IP}/32`, "dev", "lo"]);
    // The Ethernet side holds the same address with nothing listening: the wrong place answers RST.
    await inNs(NS.wan, ["addr", "add", `${ETH.gateway}/24`, "dev", "up0"]);
    await inNs(NS.wan, ["link", "set", "up0", "up"]);
    await inNs(NS.wan, ["addr", "add", `${PORTAL_IP}/32`, "dev", "lo"]);
    await inNs(NS.wan, ["route", "add", "default", "via", ETH.ipv4]);

    portal = spawn("ip", ["netns", "exec", NS.ap, process.execPath, "-e", PORTAL_JS], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const lines = createInterface({ input: portal.stdout ?? process.stdin });
    const ready = new Promise<void>((resolve, reject) => {
      portal?.once("exit", (code) => reject(new Error(`portal exited with ${code}`)));
      lines.on("line", (line) => {
        if (line === "ready") resolve();
        else hits.push(portalHit.parse(JSON.parse(line)));
      });
    });
    await ready;
  });

  after(async () => {
    unregister();
    const exited = portal && portal.exitCode === null ? once(portal, "exit") : undefined;
    teardown();
    await exited;
  });

  async function probeFrom(localAddress?: string) {
    const args = ["--import", "tsx", SCRIPT, PROBE_URL, ...(localAddress ? [localAddress] : [])];
    const out = await run("probe", process.execPath, args, { netns: NS.client });
    return portalInfo.parse(JSON.parse(out));
  }

  async function ours() {
    const rules = z
      .array(z.object({ priority: z.number().optional() }))
      .parse(JSON.parse(await client(["-json", "rule", "show"])));
    const routes = JSON.parse(
      (await client(["-json", "route", "show", "table", "all", "proto", "72"])).trim() || "[]",
    );
    return {
      rules: rules.filter((r) => r.priority === 5000).length,
      routes: z.array(z.unknown()).parse(routes).length,
    };
  }

  const router = createLinkRouter({ run: client, root: true });
  const facts = { interface: WIFI.iface, ipv4: WIFI.ipv4, gateway: WIFI.gateway };

  test("without the rule, a probe bound to the Wi-Fi address leaves through Ethernet and reaches the wrong host", async () => {
    const info = await probeFrom(WIFI.ipv4);
    assert.equal(info.verdict, "unreachable");
    assert.match(info.reason ?? "", /ECONNREFUSED/);
    assert.deepEqual(hits, []);
  });

  test("with link-route installed, the same probe reaches the portal through the Wi-Fi link, and unbound traffic still uses Ethernet", async () => {
    await router.pin("wlan0", facts);
    assert.deepEqual(await ours(), { rules: 1, routes: 2 });
    const info = await probeFrom(WIFI.ipv4);
    assert.deepEqual(
      [info.verdict, info.status, info.loginUrl],
      ["portal", 302, `http://${PORTAL_IP}/login`],
    );
    assert.deepEqual(hits, [{ from: WIFI.ipv4, url: "/generate_204" }]);
    const unbound = await probeFrom();
    assert.equal(unbound.verdict, "unreachable");
    assert.match(unbound.reason ?? "", /ECONNREFUSED/);
    assert.equal(hits.length, 1);
  });

  test("after leave no rule or route of ours remains, and the bound probe misses the portal again", async () => {
    await router.unpin("wlan0");
    assert.deepEqual(await ours(), { rules: 0, routes: 0 });
    const mainDefault = await client(["route", "show", "default"]);
    assert.match(mainDefault, new RegExp(`via ${ETH.gateway.replaceAll(".", "\\.")} dev ${ETH.iface}`));
    const info = await probeFrom(WIFI.ipv4);
    assert.equal(info.verdict, "unreachable");
    assert.equal(hits.length, 1);
  });

  test("a crashed run's rule and table are swept by the next router's start", async () => {
    await createLinkRouter({ run: client, root: true }).pin("wlan0", facts);
    assert.deepEqual(await ours(), { rules: 1, routes: 2 });
    await createLinkRouter({ run: client, root: true }).sweep();
    assert.deepEqual(await ours(), { rules: 0, routes: 0 });
  });
});
