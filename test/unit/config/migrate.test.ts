import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseUserConfig } from "../../../src/config/load.ts";
import { CONFIG_VERSION } from "../../../src/config/migrate.ts";
import { isHotspotError } from "../../../src/errors.ts";

const file = "/etc/hotspot-helper/config.json";

describe("config versions and migrations", () => {
  test("a file without a version is version 0 and is migrated with its settings intact", () => {
    const config = parseUserConfig(
      JSON.stringify({ maintainIntervalSeconds: 120, plugins: { cafe: { enabled: false } } }),
      file,
    );
    assert.equal(config.version, CONFIG_VERSION);
    assert.equal(config.maintainIntervalSeconds, 120);
    assert.equal(config.plugins.cafe?.enabled, false);
  });

  test("the current version is read as is", () => {
    const config = parseUserConfig(JSON.stringify({ version: 1, probeUrl: "http://probe.test/check" }), file);
    assert.equal(config.probeUrl, "http://probe.test/check");
  });

  test("a version from the future is a clear coded error naming both versions", () => {
    assert.throws(
      () => parseUserConfig(JSON.stringify({ version: 7, someNewSetting: true }), file),
      (e) =>
        isHotspotError(e, "HH_CONFIG_VERSION_UNSUPPORTED") &&
        e.message.includes("has version 7") &&
        e.message.includes(`versions up to ${CONFIG_VERSION}`) &&
        e.exitCode === 2,
    );
  });

  for (const bad of [-1, 1.5, "1", null]) {
    test(`version ${JSON.stringify(bad)} is HH_CONFIG_INVALID at the field version`, () => {
      assert.throws(
        () => parseUserConfig(JSON.stringify({ version: bad }), file),
        (e) => isHotspotError(e, "HH_CONFIG_INVALID") && e.params.field === "version",
      );
    });
  }
});
