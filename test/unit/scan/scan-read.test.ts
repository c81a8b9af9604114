import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import fc from "fast-check";
import { isHotspotError } from "../../../src/errors.ts";
import { SECURITIES } from "../../../src/helper-api/network.ts";
import { scanListFromData } from "../../../src/scan/scan-file.ts";
import { plainScanList, readScanFile } from "../../../src/scan/scan-read.ts";

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** zod's answer for `data`: the list, or the coded error's field and reason. */
function zodAnswer(data: unknown): unknown {
  try {
    return scanListFromData(data, "f.json", 0);
  } catch (e) {
    assert.ok(isHotspotError(e, "HH_SCAN_FILE_INVALID"), String(e));
    return { field: e.params.field, reason: e.params.reason };
  }
}

const mac = fc
  .array(fc.integer({ min: 0, max: 255 }), { minLength: 6, maxLength: 6 })
  .map((bytes) => bytes.map((b) => b.toString(16).padStart(2, "0")).join(":"));

const hexDigits = fc.constantFrom(..."0123456789abcdefABCDEFg".split(""));

/** Mostly a valid value, sometimes one wrong in the ways fixtures go wrong. */
const mostly = <T>(valid: fc.Arbitrary<T>, ...wrong: fc.Arbitrary<unknown>[]): fc.Arbitrary<unknown> =>
  fc.oneof({ arbitrary: valid, weight: 12 }, ...wrong.map((arbitrary) => ({ arbitrary, weight: 1 })));

const accessPoint = fc.record(
  {
    ssid: mostly(
      fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.string({ unit: "grapheme", maxLength: 12 }),
        fc.record({ hex: fc.string({ unit: hexDigits, maxLength: 70 }) }),
      ),
      fc.record({ hex: fc.string({ unit: hexDigits, maxLength: 8 }), extra: fc.constant(1) }),
      fc.constant(null),
      fc.integer(),
    ),
    bssid: mostly(
      fc.oneof(
        mac,
        mac.map((m: string) => m.toUpperCase()),
      ),
      fc.string({ maxLength: 20 }),
    ),
    strength: mostly(
      fc.integer({ min: 0, max: 100 }),
      fc.integer({ min: -5, max: 105 }),
      fc.double(),
      fc.constant("50"),
    ),
    frequency: mostly(
      fc.integer({ min: 1, max: 7200 }),
      fc.integer({ min: -10, max: 0 }),
      fc.constant(2 ** 60),
      fc.double({ min: 1, max: 6000 }),
    ),
    security: mostly(fc.constantFrom(...SECURITIES), fc.constantFrom("OPEN", "wpa4", "")),
    connected: fc.boolean(),
  },
  { requiredKeys: ["ssid", "bssid", "strength", "frequency", "security"] },
);

const scanData = fc.oneof(
  {
    arbitrary: fc.record({
      device: mostly(fc.constant("wlan0"), fc.constant(""), fc.integer()),
      accessPoints: fc.array(fc.oneof({ arbitrary: accessPoint, weight: 20 }, fc.anything()), {
        maxLength: 4,
      }),
    }),
    weight: 10,
  },
  fc.record({ device: fc.constant("wlan0") }),
  fc.array(fc.anything(), { maxLength: 2 }),
  fc.anything(),
);

describe("reading scan files without zod", () => {
  test("whatever the plain check accepts, zod accepts too, with the same list", () => {
    let acceptedWithNetworks = 0;
    fc.assert(
      fc.property(scanData, (data) => {
        const plain = plainScanList(data, 0);
        if (plain === undefined) return;
        assert.deepEqual(plain, zodAnswer(data));
        if (plain.networks.length > 0) acceptedWithNetworks++;
      }),
      { numRuns: 3000 },
    );
    assert.ok(acceptedWithNetworks > 100, `only ${acceptedWithNetworks} non-empty scans were accepted`);
  });

  test("the plain check accepts a well-formed file in every form the format allows", () => {
    const data = {
      device: "wlan0",
      accessPoints: [
        {
          ssid: "Cafe",
          bssid: "02:AA:00:00:00:01",
          strength: 0,
          frequency: 2412,
          security: "open",
          extra: 1,
        },
        {
          ssid: { hex: "ff00" },
          bssid: "02:aa:00:00:00:02",
          strength: 100,
          frequency: 5180,
          security: "owe",
        },
        { ssid: "", bssid: "02:aa:00:00:00:03", strength: 7, frequency: 1, security: "wpa3-eap" },
      ],
    };
    const plain = plainScanList(data, 0);
    assert.ok(plain !== undefined);
    assert.deepEqual(plain, zodAnswer(data));
  });

  test("a file the plain check refuses gets zod's error, naming the field", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hh-scan-read-"));
    dirs.push(dir);
    const file = join(dir, "scan.json");
    const data = {
      device: "wlan0",
      accessPoints: [{ ssid: "x", bssid: "nope", strength: 1, frequency: 1, security: "open" }],
    };
    await writeFile(file, JSON.stringify(data));
    await assert.rejects(readScanFile(file), (e) => {
      assert.ok(isHotspotError(e, "HH_SCAN_FILE_INVALID"));
      assert.equal(e.params.field, "accessPoints[0].bssid");
      assert.equal(e.params.file, file);
      return true;
    });
  });

  test("the bundled scan fixtures pass the plain check", async () => {
    for (const name of ["cafe-street.json", "demo.json"]) {
      const list = await readScanFile(`fixtures/scans/${name}`);
      const { readFile } = await import("node:fs/promises");
      const data: unknown = JSON.parse(await readFile(`fixtures/scans/${name}`, "utf8"));
      assert.ok(plainScanList(data, list.at) !== undefined, name);
    }
  });
});
