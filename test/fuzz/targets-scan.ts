import { Variant } from "@jellybrick/dbus-next";
import fc from "fast-check";
import { ClaimIndex } from "../../src/helper-api/claim-index.ts";
import type { Claim } from "../../src/helper-api/claims.ts";
import { CONFIDENCES, type Confidence } from "../../src/helper-api/confidence.ts";
import { SECURITIES, scannedNetwork } from "../../src/helper-api/network.ts";
import { ssidBytesSchema } from "../../src/helper-api/scan-schemas.ts";
import {
  bytesEqual,
  bytesKey,
  bytesStartWith,
  bytesToHex,
  hexToBytes,
  MAX_SSID_BYTES,
  ssidToText,
} from "../../src/helper-api/ssid.ts";
import { FixtureScanSource } from "../../src/scan/fixture-source.ts";
import {
  accessPointSchema,
  activeConnectionSchema,
  decodeProperties,
  deviceSchema,
  dhcp4ConfigSchema,
  ip4ConfigSchema,
  managerSchema,
  wirelessSchema,
} from "../../src/scan/networkmanager/decode.ts";
import { parseScanFile } from "../../src/scan/scan-file.ts";
import { type FuzzTarget, fail, flood, soup, target } from "./target.ts";

/** Any SSID bytes, including non-UTF-8, NUL and one byte too many. */
const ssidBytes = fc.uint8Array({ maxLength: MAX_SSID_BYTES + 2 });
/** Bytes from a small alphabet, so generated claims and networks collide often. */
const nearBytes = (min: number) =>
  fc
    .uint8Array({ minLength: min, maxLength: MAX_SSID_BYTES })
    .map((b) => b.map((x) => [0x00, 0x41, 0xc3, 0xff][x % 4] ?? 0));
const bssid = fc
  .array(fc.integer({ min: 0, max: 255 }), { minLength: 6, maxLength: 6 })
  .map((b) => b.map((x) => x.toString(16).padStart(2, "0")).join(":"));
const security = fc.constantFrom(...SECURITIES);

const accessPoint = fc.record({
  ssid: ssidBytes,
  asText: fc.boolean(),
  bssid,
  strength: fc.integer({ min: 0, max: 100 }),
  frequency: fc.integer({ min: 2412, max: 7115 }),
  security,
});

const SCAN_TOKENS = [
  "{",
  "}",
  "[",
  "]",
  ",",
  ":",
  '"device"',
  '"wlan0"',
  '"accessPoints"',
  '"ssid"',
  '{"hex":"caf3ff00"}',
  '{"hex":"0"}',
  '"bssid"',
  '"02:00:00:00:00:01"',
  '"strength"',
  "72",
  "-1",
  "1e400",
  '"frequency"',
  '"security"',
  '"open"',
  "null",
  '"\\u0000"',
];

const SIGNATURES = [
  "y",
  "n",
  "q",
  "i",
  "u",
  "x",
  "t",
  "s",
  "o",
  "b",
  "d",
  "ay",
  "ao",
  "au",
  "a{sv}",
  "aa{sv}",
  "as",
];
const rawValue = fc.oneof(
  fc.integer(),
  fc.bigInt(),
  fc.double(),
  fc.string(),
  fc.constantFrom("/org/freedesktop/NetworkManager/Devices/1", "10.0.0.1"),
  fc.boolean(),
  fc.constant(null),
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
  fc.array(fc.oneof(fc.integer(), fc.string()), { maxLength: 4 }),
  fc.dictionary(
    fc.string({ maxLength: 8 }),
    fc.string().map((s) => new Variant("s", s)),
    { maxKeys: 3 },
  ),
  fc.array(fc.record({ address: fc.constantFrom("10.0.0.2", "x").map((a) => new Variant("s", a)) }), {
    maxLength: 2,
  }),
);
const variant = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.tuple(fc.constantFrom(...SIGNATURES), rawValue).map(([sig, v]) => new Variant(sig, v)),
  },
  { weight: 1, arbitrary: rawValue },
);
const SCHEMAS = {
  manager: managerSchema,
  device: deviceSchema,
  wireless: wirelessSchema,
  accessPoint: accessPointSchema,
  activeConnection: activeConnectionSchema,
  ip4Config: ip4ConfigSchema,
  dhcp4Config: dhcp4ConfigSchema,
};
const PROPERTY_NAMES = [
  ...new Set(Object.values(SCHEMAS).flatMap((s) => Object.keys(s.shape))),
  "Unknown",
  "__proto__",
];

const claimKind = fc.constantFrom("ssid", "ssidPrefix");
const confidence = fc.constantFrom<Exclude<Confidence, "none">>("low", "medium", "high");
const plugins = fc.array(
  fc.array(fc.record({ kind: claimKind, bytes: nearBytes(1), confidence }), { minLength: 1, maxLength: 4 }),
  { minLength: 1, maxLength: 5 },
);

/** Scripted moves on a fixture source; BSSIDs index into a small pool so some are unknown. */
const fixtureScript = fc.record({
  aps: fc.array(fc.record({ ssid: nearBytes(0), strength: fc.integer({ min: 0, max: 100 }) }), {
    minLength: 1,
    maxLength: 5,
  }),
  ops: fc.array(
    fc.oneof(
      fc.record({ op: fc.constant("join" as const), ap: fc.nat({ max: 6 }) }),
      fc.record({ op: fc.constant("roam" as const), ap: fc.nat({ max: 6 }) }),
      fc.record({ op: fc.constant("leave" as const), ap: fc.constant(0) }),
    ),
    { maxLength: 20 },
  ),
});
const poolBssid = (i: number): string => `02:00:00:00:00:${i.toString(16).padStart(2, "0")}`;

export const scanTargets: readonly FuzzTarget[] = [
  target({
    name: "scan file: any text",
    arbitrary: fc.oneof(soup(SCAN_TOKENS, 60), fc.json(), fc.string({ unit: "binary" }), flood(SCAN_TOKENS)),
    allowed: ["HH_SCAN_FILE_INVALID"],
    check(text) {
      const list = parseScanFile(text, "fuzz.json", 0);
      for (const n of list.networks) {
        if (n.ssid.length > MAX_SSID_BYTES) fail(`SSID of ${n.ssid.length} bytes`);
        if (n.ssidHex !== bytesToHex(n.ssid)) fail("hex differs from bytes");
        if (!(n.strength >= 0 && n.strength <= 100)) fail(`strength ${n.strength}`);
      }
    },
  }),
  target({
    name: "scan file: access points round trip",
    arbitrary: fc.array(accessPoint, { maxLength: 6 }),
    allowed: ["HH_SCAN_FILE_INVALID"],
    check(aps) {
      const text = JSON.stringify({
        device: "wlan0",
        accessPoints: aps.map((ap) => ({
          ...ap,
          asText: undefined,
          ssid: ap.asText ? Buffer.from(ap.ssid).toString("latin1") : { hex: bytesToHex(ap.ssid) },
        })),
      });
      const tooLong = aps.some((ap) =>
        ap.asText
          ? Buffer.byteLength(Buffer.from(ap.ssid).toString("latin1")) > MAX_SSID_BYTES
          : ap.ssid.length > MAX_SSID_BYTES,
      );
      let list: ReturnType<typeof parseScanFile>;
      try {
        list = parseScanFile(text, "fuzz.json", 0);
      } catch (e) {
        if (tooLong) throw e;
        fail(`valid file refused: ${String(e)}`);
      }
      if (tooLong) fail("an SSID over 32 bytes was accepted");
      aps.forEach((ap, i) => {
        const n = list.networks[i] ?? fail("network missing");
        const want = ap.asText ? Buffer.from(Buffer.from(ap.ssid).toString("latin1"), "utf8") : ap.ssid;
        if (!bytesEqual(n.ssid, want)) fail(`SSID ${n.ssidHex} != ${bytesToHex(want)}`);
        if (n.bssid !== ap.bssid || n.security !== ap.security || n.strength !== ap.strength)
          fail("facts differ");
      });
    },
  }),
  target({
    name: "scan file: fixture source joins, roams and leaves",
    arbitrary: fixtureScript,
    allowed: [],
    check({ aps, ops }) {
      const networks = aps.map((ap, i) =>
        scannedNetwork({
          ssid: ap.ssid,
          bssid: poolBssid(i),
          strength: ap.strength,
          frequency: 2412,
          security: "open",
        }),
      );
      const source = new FixtureScanSource({ device: "wlan0", networks, at: 0 }, { now: () => 0 });
      const events: string[] = [];
      source.on("join", (e) => events.push(`join ${e.network.bssid}`));
      source.on("roam", (e) => events.push(`roam ${e.previousBssid}>${e.network.bssid}`));
      source.on("leave", (e) => events.push(`leave ${e.network.bssid} ${e.reason}`));
      let joined: number | undefined;
      for (const { op, ap } of ops) {
        const expected: string[] = [];
        const known = ap < networks.length;
        const before = events.length;
        let code: string | undefined;
        try {
          if (op === "join") source.join(poolBssid(ap).toUpperCase());
          else if (op === "roam") source.roam(poolBssid(ap));
          else source.leave();
        } catch (e) {
          code = e instanceof Error && "code" in e ? String(e.code) : `not coded: ${String(e)}`;
        }
        if (op === "join") {
          if (!known) expected.push("HH_FIXTURE_BSSID_NOT_FOUND");
          else {
            if (joined !== undefined) expected.push(`leave ${poolBssid(joined)} switched`);
            expected.push(`join ${poolBssid(ap)}`);
            joined = ap;
          }
        } else if (op === "roam") {
          const from = joined === undefined ? undefined : networks[joined];
          const to = networks[ap];
          if (from === undefined) expected.push("HH_FIXTURE_NOT_JOINED");
          else if (to === undefined) expected.push("HH_FIXTURE_BSSID_NOT_FOUND");
          else if (!bytesEqual(from.ssid, to.ssid)) expected.push("HH_FIXTURE_ROAM_SSID_MISMATCH");
          else {
            expected.push(`roam ${from.bssid}>${to.bssid}`);
            joined = ap;
          }
        } else if (joined === undefined) expected.push("HH_FIXTURE_NOT_JOINED");
        else {
          expected.push(`leave ${poolBssid(joined)} disconnected`);
          joined = undefined;
        }
        const got = [...events.slice(before), ...(code === undefined ? [] : [code])];
        if (got.join() !== expected.join()) fail(`${op} ${ap}: ${got.join()} != ${expected.join()}`);
        const now = source.joined();
        if ((now?.bssid ?? "none") !== (joined === undefined ? "none" : poolBssid(joined)))
          fail("joined() differs");
        if (
          now !== undefined &&
          joined !== undefined &&
          !bytesEqual(now.ssid, networks[joined]?.ssid ?? new Uint8Array())
        )
          fail("joined SSID bytes differ");
      }
    },
  }),
  target({
    name: "NetworkManager property decoding",
    arbitrary: fc.record({
      schema: fc.constantFrom(...(Object.keys(SCHEMAS) as (keyof typeof SCHEMAS)[])),
      props: fc.oneof(
        { weight: 6, arbitrary: fc.dictionary(fc.constantFrom(...PROPERTY_NAMES), variant, { maxKeys: 8 }) },
        { weight: 1, arbitrary: rawValue },
      ),
    }),
    allowed: [],
    check({ schema, props }) {
      const decoded = decodeProperties(SCHEMAS[schema], props);
      const values: Record<string, unknown> = decoded.values;
      const ssid = values.Ssid;
      if (ssid !== undefined && (!(ssid instanceof Uint8Array) || ssid.length > MAX_SSID_BYTES))
        fail("SSID not 0-32 bytes");
      for (const p of decoded.problems)
        if (p.property in values && values[p.property] !== undefined) fail(`${p.property} kept`);
      for (const v of Object.values(values)) if (v instanceof Variant) fail("a Variant leaked through");
    },
  }),
  target({
    name: "SSID bytes: hex, schema, key, text",
    arbitrary: fc.tuple(ssidBytes, ssidBytes),
    allowed: [],
    check([a, b]) {
      const hex = bytesToHex(a);
      if (!bytesEqual(hexToBytes(hex), a) || !bytesEqual(hexToBytes(hex.toUpperCase()), a))
        fail("hex round trip");
      const parsed = ssidBytesSchema.safeParse({ hex });
      if (parsed.success !== a.length <= MAX_SSID_BYTES)
        fail(`schema accepted ${a.length} bytes: ${parsed.success}`);
      if (parsed.success && !bytesEqual(parsed.data, a)) fail("schema changed the bytes");
      if ((bytesKey(a) === bytesKey(b)) !== bytesEqual(a, b)) fail("bytesKey is not one-to-one");
      if (!bytesStartWith(a, a.subarray(0, a.length >> 1))) fail("prefix of itself");
      const text = ssidToText(a);
      const net = scannedNetwork({
        ssid: a,
        bssid: "02:00:00:00:00:01",
        strength: 50,
        frequency: 2412,
        security: "open",
      });
      if (net.ssidText !== text || !bytesEqual(net.ssid, a) || net.ssid === a)
        fail("network SSID not a copy");
    },
  }),
  target({
    name: "claim index: matches by bytes like a naive model",
    arbitrary: fc.record({ plugins, networks: fc.array(nearBytes(0), { minLength: 1, maxLength: 8 }) }),
    allowed: ["HH_PLUGIN_CLAIM_CONFLICT"],
    check(input) {
      const defs = input.plugins.map((claims, i) => ({
        id: `p${i}`,
        displayName: `P${i}`,
        priority: 0,
        claims: claims.map(
          (c): Claim =>
            c.kind === "ssid"
              ? { ssid: { hex: bytesToHex(c.bytes) }, confidence: c.confidence }
              : { ssidPrefix: { hex: bytesToHex(c.bytes) }, confidence: c.confidence },
        ),
      }));
      const index = new ClaimIndex(defs);
      for (const ssid of [...input.networks, ...input.plugins.flat().map((c) => c.bytes)]) {
        const net = scannedNetwork({
          ssid,
          bssid: "02:00:00:00:00:01",
          strength: 50,
          frequency: 2412,
          security: "open",
        });
        const want = input.plugins.flatMap((claims, i) => {
          const hits = claims.filter((c) =>
            c.kind === "ssid" ? bytesEqual(ssid, c.bytes) : bytesStartWith(ssid, c.bytes),
          );
          if (hits.length === 0) return [];
          const best = Math.max(...hits.map((c) => CONFIDENCES.indexOf(c.confidence)));
          return [`p${i}:${CONFIDENCES[best]}`];
        });
        const got = index.match(net).map((m) => `${m.pluginId}:${m.confidence}`);
        if (got.join() !== want.join())
          fail(`SSID ${bytesToHex(ssid)}: index ${got.join()} != model ${want.join()}`);
      }
    },
  }),
];
