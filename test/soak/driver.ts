import { readFile } from "node:fs/promises";
import { z } from "zod";
import { MAX_SESSION_AGE_MS, MAX_SESSIONS_PER_DEVICE } from "../../src/daemon/state/saved-sessions.ts";
import type { CountedClock } from "./clock.ts";
import type { SoakWorld } from "./world.ts";

/** Where the world says a device is: the network it joined and which of its access points. */
interface Joined {
  readonly ssid: string;
  readonly bssid: number;
}

const savedState = z.object({
  sessions: z.record(
    z.string(),
    z.record(z.string(), z.object({ ssidText: z.string(), bssid: z.string(), pluginId: z.string() })),
  ),
});

/**
 * How long a portal of this world remembers a device that left without logging off: less
 * than the daemon keeps a saved session, so a return within it must find one to take up.
 */
const PORTAL_MEMORY_MS = MAX_SESSION_AGE_MS - 24 * 60 * 60 * 1000;

/**
 * Acts on the world the way a laptop's day does (joins, leaves, roams, access points
 * coming and going, portals dropping sessions, time passing) and keeps the truth: where
 * every device really is. `check` compares the daemon, its saved state and the portals
 * with that truth.
 */
export class SoakDriver {
  readonly #joined = new Map<string, Joined>();
  /** When each device left each network whose portal kept remembering it (`device|ssid`). */
  readonly #leftAt = new Map<string, number>();
  #transient = 0;
  /** Joins to a network whose portal still let the device through, and the logins they cost. */
  returns = 0;
  returnLogins = 0;

  constructor(
    readonly world: SoakWorld,
    readonly random: () => number,
    readonly clock?: CountedClock,
  ) {}

  get devices(): readonly string[] {
    return this.world.options.devices;
  }

  joined(device: string): Joined | undefined {
    return this.#joined.get(device);
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.random() * items.length)];
    if (item === undefined) throw new Error("pick from nothing");
    return item;
  }

  /**
   * Joins `device` to `ssid` and waits until the daemon is logged in there (or resumed). A
   * device still joined leaves first, so the wait cannot be met by the session of the
   * earlier join; the portal it leaves forgets it unless it is the same network. A portal
   * that still remembers the device (the same network again, or one left for another
   * without being forgotten: A → B → A) must cost no login: the daemon takes up the
   * session it saved for that network.
   */
  async join(device: string, ssid: string, bssid = 0): Promise<void> {
    const was = this.#joined.get(device);
    if (was) await this.leave(device, was.ssid !== ssid);
    const w = this.world;
    const n = w.network(ssid);
    const portal = w.portal(device, ssid);
    const leftAt = this.#leftAt.get(`${device}|${ssid}`);
    this.#leftAt.delete(`${device}|${ssid}`);
    if (leftAt !== undefined && this.#now() - leftAt > PORTAL_MEMORY_MS) portal.deauthorize();
    const remembered = portal.authorized();
    const loginsBefore = w.loginsOn.get(device) ?? 0;
    const d = this.devices.indexOf(device);
    await w.sim.join(device, this.#ap(device, ssid, bssid), {
      ipv4: `10.${d}.0.23`,
      gateway: `10.${d}.0.1`,
      ...(n.capport && portal.apiUrl ? { captivePortalUri: portal.apiUrl } : {}),
    });
    this.#joined.set(device, { ssid, bssid });
    const want = n.bssids[bssid]?.toLowerCase();
    await w.until(
      device,
      (s) =>
        s?.state === "Authenticated" && s.network?.ssid === ssid && s.network.bssid.toLowerCase() === want,
      `login on ${ssid}`,
    );
    await w.settle();
    if (remembered) {
      this.returns++;
      this.returnLogins += (w.loginsOn.get(device) ?? 0) - loginsBefore;
    }
  }

  /** Leaves; a portal that ties sessions to the association (`forget`) drops ours too. */
  async leave(device: string, forget: boolean): Promise<void> {
    const was = this.#joined.get(device);
    if (!was) return;
    await this.world.sim.leave(device);
    this.#joined.delete(device);
    await this.world.until(device, (s) => s?.state === "Inactive" && s.network === undefined, "leave");
    if (forget) this.world.portal(device, was.ssid).deauthorize();
    else this.#leftAt.set(`${device}|${was.ssid}`, this.#now());
  }

  #now(): number {
    return this.clock?.now() ?? Date.now();
  }

  /** Moves to another access point of the same network; the session must carry over. */
  async roam(device: string): Promise<void> {
    const was = this.#joined.get(device);
    if (!was) return;
    const n = this.world.network(was.ssid);
    const bssid = (was.bssid + 1 + Math.floor(this.random() * (n.bssids.length - 1))) % n.bssids.length;
    this.world.sim.roam(device, this.#ap(device, was.ssid, bssid));
    this.#joined.set(device, { ssid: was.ssid, bssid });
    const want = n.bssids[bssid]?.toLowerCase();
    await this.world.until(device, (s) => s?.network?.bssid.toLowerCase() === want, `roam to ${want}`);
  }

  /** The portal forgets the device (idle timeout, operator reset): the next maintain must log in again. */
  kick(device: string): void {
    const at = this.#joined.get(device);
    if (at) this.world.portal(device, at.ssid).deauthorize();
  }

  /**
   * `changes` access-point changes spread over every device, in scans of at most 250: a
   * passing access point appears and goes, a known one's signal changes. Each scan must
   * reach the daemon with exactly the known access points. Returns the changes made.
   */
  async churn(changes: number): Promise<number> {
    const w = this.world;
    let made = 0;
    while (made < changes) {
      for (const device of this.devices) {
        if (made >= changes) break;
        const upTo = Math.min(changes, made + 250);
        while (made < upTo) {
          const n = this.#transient++;
          const ap = w.sim.addAccessPoint(device, {
            ssid: `passer-by ${n % 5000}`,
            bssid: `02:60:${hex(n >> 16)}:${hex(n >> 8)}:${hex(n)}:01`,
            strength: 20 + (n % 60),
          });
          const known = this.pick(w.networks);
          w.sim.updateAccessPoint(this.#ap(device, known.ssid, n % known.bssids.length), {
            strength: 40 + (n % 50),
          });
          w.sim.removeAccessPoint(ap);
          made += 3;
        }
        await w.sim.flushed();
        const scanned = new Promise<number>((resolve) => {
          const on = (dev: string, networks: readonly unknown[]): void => {
            if (dev !== device) return;
            w.daemon.off("networks", on);
            resolve(networks.length);
          };
          w.daemon.on("networks", on);
        });
        w.sim.completeScan(device);
        const seen = await scanned;
        const expected = w.networks.reduce((sum, x) => sum + x.bssids.length, 0);
        if (seen !== expected)
          throw new Error(`${device}: a scan showed ${seen} access points, not ${expected}`);
      }
    }
    return made;
  }

  /**
   * Everything that must hold between actions; returns what does not (empty: all well).
   * The daemon's sessions against the world (one per device, logged in where the device
   * is joined, on that access point, with the right plugin, and the portal agreeing), the
   * saved state on disk against the sessions, and one pending maintain per logged-in
   * session on the simulated clock (a leaked maintain or backoff timer shows up there).
   */
  async check(): Promise<string[]> {
    this.clock?.hold?.();
    try {
      return await this.#check();
    } finally {
      this.clock?.release?.();
    }
  }

  async #check(): Promise<string[]> {
    const w = this.world;
    const wrong: string[] = [];
    await w.settle();
    await w.store.flush();
    const saved = savedState.parse(JSON.parse(await readFile(w.store.file, "utf8"))).sessions;
    const sessions = w.daemon.listSessions();
    if (new Set(sessions.map((s) => s.device)).size !== sessions.length)
      wrong.push("two sessions for one device");
    for (const s of sessions)
      if (!this.devices.includes(s.device)) wrong.push(`a session for unknown ${s.device}`);
    let authenticated = 0;
    for (const device of this.devices) {
      const s = sessions.find((x) => x.device === device);
      const truth = this.#joined.get(device);
      if (!truth) {
        if (s && (s.state !== "Inactive" || s.network))
          wrong.push(`${device}: left, but ${s.state} on ${s.network?.ssid}`);
        continue;
      }
      const n = w.network(truth.ssid);
      const bssid = n.bssids[truth.bssid]?.toLowerCase();
      const where = `${device} on ${truth.ssid} (${bssid})`;
      if (s?.state === "Authenticated") authenticated++;
      else wrong.push(`${where}: ${s?.state ?? "no session"} (${s?.reason})`);
      if (s?.network?.ssid !== truth.ssid || s.network.bssid.toLowerCase() !== bssid)
        wrong.push(`${where}: the daemon has ${s?.network?.ssid} (${s?.network?.bssid})`);
      if (s?.pluginId !== n.plugin) wrong.push(`${where}: plugin ${s?.pluginId}, not ${n.plugin}`);
      if (s?.nextMaintainAt === undefined) wrong.push(`${where}: no maintain scheduled`);
      // A session that cannot be extended is captured at its end until the maintain just after
      // it logs in again; the daemon's end may lag the portal's by the API's rounding to seconds.
      const now = this.clock?.now() ?? Date.now();
      const endsNow = s?.expiresAt !== undefined && s.expiresAt <= now + 5_000;
      const loggingInAgain =
        endsNow &&
        (s?.nextMaintainAt ?? Number.POSITIVE_INFINITY) <= Math.max(now, s?.expiresAt ?? 0) + 5_000;
      if (!w.portal(device, truth.ssid).authorized() && !loggingInAgain)
        wrong.push(
          `${where}: the portal holds the device; ${JSON.stringify(s)}\n  ${w.trail.get(device)?.join("\n  ")}`,
        );
      const kept = Object.values(saved[device] ?? {});
      if (kept.length > MAX_SESSIONS_PER_DEVICE) wrong.push(`${device}: ${kept.length} saved sessions`);
      const record = kept.find((r) => r.ssidText === truth.ssid);
      if (
        record?.ssidText !== truth.ssid ||
        record.pluginId !== n.plugin ||
        record.bssid.toLowerCase() !== bssid
      )
        wrong.push(`${where}: saved ${JSON.stringify(record)}`);
    }
    if (this.clock && this.clock.pending !== authenticated)
      wrong.push(`${this.clock.pending} daemon timers for ${authenticated} logged-in session(s)`);
    return wrong;
  }

  #ap(device: string, ssid: string, bssid: number): string {
    const ap = this.world.aps.get(`${device}|${ssid}|${bssid}`);
    if (!ap) throw new Error(`no access point ${bssid} of ${ssid} on ${device}`);
    return ap;
  }
}

const hex = (n: number): string => (n & 0xff).toString(16).padStart(2, "0");
