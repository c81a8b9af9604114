import assert from "node:assert/strict";
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { isHotspotError } from "../../../src/errors.ts";
import { FixtureScanSource } from "../../../src/scan/fixture-source.ts";
import { scanListFromData } from "../../../src/scan/scan-file.ts";
import type { JoinEvent, LeaveEvent, RoamEvent, ScanList } from "../../../src/scan/source.ts";

const ap = (ssid: string, bssid: string, strength = 50) => ({
  ssid,
  bssid,
  strength,
  frequency: 2412,
  security: "open",
});

const data = (): ScanList =>
  scanListFromData(
    {
      device: "wlan9",
      accessPoints: [
        ap("Cafe Free WiFi", "02:ca:fe:00:00:01", 80),
        ap("Cafe Free WiFi", "02:ca:fe:00:00:02", 60),
        ap("Library Guest", "02:11:b0:00:00:01"),
      ],
    },
    "inline",
  );

function record(source: FixtureScanSource) {
  const seen = {
    scans: [] as ScanList[],
    joins: [] as JoinEvent[],
    leaves: [] as LeaveEvent[],
    roams: [] as RoamEvent[],
  };
  source.on("scan", (l) => seen.scans.push(l));
  source.on("join", (e) => seen.joins.push(e));
  source.on("leave", (e) => seen.leaves.push(e));
  source.on("roam", (e) => seen.roams.push(e));
  return seen;
}

describe("FixtureScanSource", () => {
  test("start reads the file, emits scan and current() returns it", async () => {
    const source = new FixtureScanSource("fixtures/scans/demo.json", { now: () => 1234 });
    const seen = record(source);
    assert.deepEqual(source.current(), []);
    await source.start();
    assert.equal(seen.scans.length, 1);
    assert.equal(seen.scans[0]?.device, "wlan0");
    assert.equal(seen.scans[0]?.at, 1234);
    assert.deepEqual(source.current(), seen.scans);
    assert.equal(source.name, "fixture:demo.json");
  });

  test("start with a bad file rejects with the scan file error", async () => {
    const source = new FixtureScanSource("test/fixtures/scans/unknown-security.json");
    await assert.rejects(source.start(), (e) => isHotspotError(e, "HH_SCAN_FILE_INVALID"));
  });

  test("rescan re-reads the file and emits the new contents", async (t) => {
    const dir = await mkdtemp(join(tmpdir(), "hh-fixture-"));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, "scan.json");
    await copyFile("fixtures/scans/demo.json", file);
    const source = new FixtureScanSource(file);
    const seen = record(source);
    await source.start();
    await writeFile(
      file,
      JSON.stringify({ device: "wlan0", accessPoints: [ap("Other", "02:00:00:00:00:09")] }),
    );
    const lists = await source.rescan();
    assert.equal(seen.scans.length, 2);
    assert.deepEqual(
      lists[0]?.networks.map((n) => n.ssidText),
      ["Other"],
    );
  });

  test("join emits a JoinedNetwork built from the scanned AP with the link facts", async () => {
    const source = new FixtureScanSource(data());
    const seen = record(source);
    await source.start();
    source.join("02:CA:FE:00:00:01", {
      ipv4: "10.0.0.5",
      gateway: "10.0.0.1",
      dns: ["10.0.0.1"],
      autoJoined: true,
    });
    assert.equal(seen.joins.length, 1);
    const event = seen.joins[0];
    assert.equal(event?.device, "wlan9");
    assert.equal(event?.network.ssidText, "Cafe Free WiFi");
    assert.equal(event?.network.bssid, "02:ca:fe:00:00:01");
    assert.equal(event?.network.interface, "wlan9");
    assert.equal(event?.network.justJoined, true);
    assert.equal(event?.network.autoJoined, true);
    assert.equal(event?.network.ipv4, "10.0.0.5");
    assert.deepEqual(event?.network.dns, ["10.0.0.1"]);
    assert.equal("captivePortalUri" in (event?.network ?? {}), false);
    assert.equal(source.joined(), event?.network);
  });

  test("join of an unknown BSSID is a coded error", async () => {
    const source = new FixtureScanSource(data());
    await source.start();
    assert.throws(
      () => source.join("02:00:00:00:00:99"),
      (e) => isHotspotError(e, "HH_FIXTURE_BSSID_NOT_FOUND"),
    );
  });

  test("joining another network first leaves the current one as switched", async () => {
    const source = new FixtureScanSource(data());
    const seen = record(source);
    await source.start();
    source.join("02:ca:fe:00:00:01");
    source.join("02:11:b0:00:00:01");
    assert.deepEqual(
      seen.leaves.map((l) => [l.reason, l.network.bssid]),
      [["switched", "02:ca:fe:00:00:01"]],
    );
    assert.equal(seen.joins.length, 2);
  });

  test("leave emits the left network with the reason and clears joined()", async () => {
    const source = new FixtureScanSource(data());
    const seen = record(source);
    await source.start();
    source.join("02:11:b0:00:00:01");
    source.leave();
    assert.equal(seen.leaves[0]?.reason, "disconnected");
    assert.equal(seen.leaves[0]?.network.ssidText, "Library Guest");
    assert.equal(source.joined(), undefined);
    assert.throws(
      () => source.leave("device-removed"),
      (e) => isHotspotError(e, "HH_FIXTURE_NOT_JOINED"),
    );
  });

  test("roam to another AP of the same SSID emits roam with the previous BSSID and keeps the link", async () => {
    const source = new FixtureScanSource(data());
    const seen = record(source);
    await source.start();
    source.join("02:ca:fe:00:00:01", { ipv4: "10.0.0.5" });
    source.roam("02:ca:fe:00:00:02");
    assert.equal(seen.roams.length, 1);
    assert.equal(seen.roams[0]?.previousBssid, "02:ca:fe:00:00:01");
    assert.equal(seen.roams[0]?.network.bssid, "02:ca:fe:00:00:02");
    assert.equal(seen.roams[0]?.network.strength, 60);
    assert.equal(seen.roams[0]?.network.ipv4, "10.0.0.5");
    assert.equal(seen.roams[0]?.network.justJoined, false);
    assert.equal(seen.leaves.length, 0);
  });

  test("roam to an AP of another SSID is rejected and nothing is emitted", async () => {
    const source = new FixtureScanSource(data());
    const seen = record(source);
    await source.start();
    source.join("02:ca:fe:00:00:01");
    assert.throws(
      () => source.roam("02:11:b0:00:00:01"),
      (e) => isHotspotError(e, "HH_FIXTURE_ROAM_SSID_MISMATCH") && /Library Guest/.test(e.message),
    );
    assert.equal(seen.roams.length, 0);
    assert.equal(source.joined()?.bssid, "02:ca:fe:00:00:01");
  });

  test("roam without a joined network is a coded error", async () => {
    const source = new FixtureScanSource(data());
    await source.start();
    assert.throws(
      () => source.roam("02:ca:fe:00:00:02"),
      (e) => isHotspotError(e, "HH_FIXTURE_NOT_JOINED"),
    );
  });

  test("stop emits leave with source-stopped when joined, and nothing when not", async () => {
    const source = new FixtureScanSource(data());
    const seen = record(source);
    await source.start();
    source.join("02:ca:fe:00:00:01");
    await source.stop();
    await source.stop();
    assert.deepEqual(
      seen.leaves.map((l) => l.reason),
      ["source-stopped"],
    );
  });
});
