import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { type PrivateBus, startPrivateBus } from "../../../src/harness/dbus-daemon.ts";

/**
 * The real NetworkManager (Debian's 1.42) in a network namespace of its own, managing one end
 * of a veth pair as Ethernet; the other end lives in a second namespace with dnsmasq (DHCP,
 * sending option 114) and a tiny captive portal that NetworkManager's connectivity check
 * hits. NetworkManager talks to a private bus; its /run, /var/lib and /etc directories are
 * temp directories bind-mounted inside its namespace, so nothing touches the host.
 */

const NEEDED = ["ip", "NetworkManager", "dnsmasq", "dhclient", "dbus-daemon"];

/** Why the real NetworkManager cannot run here, or undefined when it can. */
export function realNmUnavailableReason(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root (network namespaces and NetworkManager)";
  const missing = NEEDED.filter(
    (b) => spawnSync("sh", ["-c", `command -v ${b}`], { stdio: "ignore" }).status !== 0,
  );
  return missing.length === 0
    ? undefined
    : `missing ${missing.join(", ")} (scripts/ensure-system-deps.sh installs network-manager, dnsmasq-base, isc-dhcp-client, dbus)`;
}

export const PORTAL_IP = "10.77.0.1";
export const CAPPORT_URI = `http://${PORTAL_IP}:8080/capport`;

/** A portal: 302 to its login page until told "login" on stdin, then 204 (NetworkManager's "online" with `response=`). */
const PORTAL_JS = `
const http = require("node:http");
let open = false;
process.stdin.setEncoding("utf8");
process.stdin.on("data", (d) => { if (d.includes("login")) { open = true; process.stdout.write("open\\n"); } });
http.createServer((req, res) => {
  if (open) { res.writeHead(204); res.end(); return; }
  res.writeHead(302, { Location: "http://${PORTAL_IP}:8080/login" }); res.end();
}).listen(8080, "${PORTAL_IP}", () => process.stdout.write("listening\\n"));
`;

export interface RealNm {
  readonly bus: PrivateBus;
  /** The veth end NetworkManager manages. */
  readonly iface: string;
  /** Starts NetworkManager (it takes its bus name within a second or so). */
  startNetworkManager(): void;
  /** Stops NetworkManager only (its bus name goes away). */
  stopNetworkManager(): Promise<void>;
  /** Opens the portal; resolves once it answers "online". */
  login(): Promise<void>;
  close(): Promise<void>;
}

function nmConf(): string {
  return `[main]
dns=none
rc-manager=unmanaged
hostname-mode=none
no-auto-default=*
auth-polkit=false
plugins=keyfile
dhcp=dhclient
[keyfile]
path=/etc/NetworkManager/system-connections
[connectivity]
uri=http://${PORTAL_IP}:8080/check
interval=300
response=
`;
}

function profile(iface: string): string {
  return `[connection]
id=hotspot-test
uuid=${randomUUID()}
type=ethernet
interface-name=${iface}
autoconnect=true
[ipv4]
method=auto
[ipv6]
method=disabled
`;
}

/** Waits for lines a child prints, with one reader per child (readline pauses a shared stream). */
function lineWaiter(child: ChildProcess): (want: string, timeoutMs?: number) => Promise<void> {
  if (!child.stdout) throw new Error("no stdout");
  const seen: string[] = [];
  const waiting: { want: string; resolve: () => void }[] = [];
  createInterface({ input: child.stdout }).on("line", (l) => {
    const line = l.trim();
    const i = waiting.findIndex((w) => w.want === line);
    if (i >= 0) waiting.splice(i, 1)[0]?.resolve();
    else seen.push(line);
  });
  return (want, timeoutMs = 5000) => {
    const j = seen.indexOf(want);
    if (j >= 0) {
      seen.splice(j, 1);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${want}" within ${timeoutMs} ms`)), timeoutMs);
      waiting.push({
        want,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  };
}

export async function startRealNm(): Promise<RealNm> {
  const id = process.pid;
  const ns = `hhnm${id}`;
  const peer = `hhpeer${id}`;
  const iface = `hhv${id}a`;
  const far = `hhv${id}b`;
  const dir = await mkdtemp(join(tmpdir(), `hotspot-nm-${id}-`));
  const children: ChildProcess[] = [];
  let bus: PrivateBus | undefined;
  let nm: ChildProcess | undefined;
  const ip = (...args: string[]): void => void execFileSync("ip", args, { stdio: "pipe" });

  const close = async (): Promise<void> => {
    for (const n of [ns, peer]) {
      // Everything still running in our namespaces is ours (NetworkManager, dhclient, dnsmasq, portal).
      const pids =
        spawnSync("ip", ["netns", "pids", n], { encoding: "utf8" }).stdout?.split(/\s+/).filter(Boolean) ??
        [];
      for (const p of pids) spawnSync("kill", ["-TERM", p]);
    }
    await Promise.all(
      children.map((c) =>
        c.exitCode === null && c.signalCode === null
          ? new Promise((r) => c.once("exit", r))
          : Promise.resolve(),
      ),
    );
    for (const n of [ns, peer]) spawnSync("ip", ["netns", "del", n], { stdio: "ignore" });
    await bus?.stop();
    await rm(dir, { recursive: true, force: true });
  };

  try {
    for (const d of ["run", "lib", "etc/conf.d", "etc/system-connections"])
      await mkdir(join(dir, d), { recursive: true });
    await writeFile(join(dir, "etc/NetworkManager.conf"), nmConf());
    await writeFile(
      join(dir, `etc/dhclient-${iface}.conf`),
      "option captive-portal code 114 = text;\nalso request captive-portal;\n",
    );
    const keyfile = join(dir, "etc/system-connections/hotspot-test.nmconnection");
    await writeFile(keyfile, profile(iface));
    await chmod(keyfile, 0o600);
    for (const mountPoint of ["/run/NetworkManager", "/var/lib/NetworkManager"])
      await mkdir(mountPoint, { recursive: true });

    ip("netns", "add", ns);
    ip("netns", "add", peer);
    ip("link", "add", iface, "type", "veth", "peer", "name", far);
    ip("link", "set", iface, "netns", ns);
    ip("link", "set", far, "netns", peer);
    ip("-n", ns, "link", "set", "lo", "up");
    ip("-n", peer, "link", "set", "lo", "up");
    ip("-n", peer, "addr", "add", `${PORTAL_IP}/24`, "dev", far);
    ip("-n", peer, "link", "set", far, "up");

    bus = await startPrivateBus();
    const spawnIn = (
      n: string,
      cmd: string[],
      stdio: ("ignore" | "pipe")[] = ["ignore", "ignore", "ignore"],
    ) => {
      const c = spawn("ip", ["netns", "exec", n, ...cmd], { stdio: [stdio[0], stdio[1], stdio[2]] });
      children.push(c);
      return c;
    };
    spawnIn(peer, [
      "dnsmasq",
      "--no-daemon",
      "--conf-file=/dev/null",
      `--interface=${far}`,
      "--bind-interfaces",
      "--port=0",
      "--dhcp-range=10.77.0.50,10.77.0.99,255.255.255.0,1h",
      `--dhcp-option=3,${PORTAL_IP}`,
      `--dhcp-option=6,${PORTAL_IP}`,
      `--dhcp-option-force=114,${CAPPORT_URI}`,
      `--dhcp-leasefile=${join(dir, "leases")}`,
      "--user=root",
    ]);
    const portal = spawnIn(peer, [process.execPath, "-e", PORTAL_JS], ["pipe", "pipe", "ignore"]);
    const portalSays = lineWaiter(portal);
    await portalSays("listening");

    const busAddress = bus.address;
    const theBus = bus;
    return {
      bus: theBus,
      iface,
      startNetworkManager() {
        const script = [
          // With a writable /sys and no udev, NetworkManager waits for udev forever.
          "mount -o remount,bind,ro /sys",
          `mount --bind ${join(dir, "run")} /run/NetworkManager`,
          `mount --bind ${join(dir, "lib")} /var/lib/NetworkManager`,
          `mount --bind ${join(dir, "etc")} /etc/NetworkManager`,
          "exec NetworkManager --no-daemon --config=/etc/NetworkManager/NetworkManager.conf --config-dir=/etc/NetworkManager/conf.d",
        ].join(" && ");
        nm = spawn("ip", ["netns", "exec", ns, "sh", "-c", script], {
          env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: busAddress },
          stdio: "ignore",
        });
        children.push(nm);
      },
      async stopNetworkManager() {
        const c = nm;
        if (!c || c.exitCode !== null || c.signalCode !== null) return;
        const exited = new Promise((r) => c.once("exit", r));
        c.kill("SIGTERM");
        await exited;
      },
      async login() {
        const opened = portalSays("open");
        portal.stdin?.write("login\n");
        await opened;
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
