import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { displayWidth, escapeBytes } from "../../../src/annotate/display.ts";
import { renderJson } from "../../../src/annotate/json.ts";
import { annotate } from "../../../src/annotate/model.ts";
import { renderTable, signalBars } from "../../../src/annotate/table.ts";
import { renderTerse } from "../../../src/annotate/terse.ts";
import { claim, net } from "./helpers.ts";

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
// biome-ignore lint/suspicious/noControlCharactersInRegex: the assertion is that no control characters are emitted
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe("signalBars", () => {
  test("follows nmcli's thresholds with _ for missing bars", () => {
    assert.deepEqual([100, 81, 80, 56, 55, 31, 30, 6, 5, 0].map(signalBars), [
      "▂▄▆█",
      "▂▄▆█",
      "▂▄▆_",
      "▂▄▆_",
      "▂▄__",
      "▂▄__",
      "▂___",
      "▂___",
      "____",
      "____",
    ]);
  });
});

describe("renderTable", () => {
  test("has the nmcli-like header, bars, provider display name and -- when unclaimed", () => {
    const rows = annotate(
      [net("Cafe Free WiFi", 72, "02:ca:fe:00:00:01"), net("Home", 40, "02:00:00:00:00:02", "wpa2-psk")],
      [[claim("example-cafe", "high", "Cafe Co")], []],
    );
    const lines = renderTable(rows).trimEnd().split("\n");
    assert.match(lines[0] ?? "", /^SSID\s+BSSID\s+SIGNAL\s+SECURITY\s+PROVIDER\s+CONFIDENCE$/);
    assert.match(lines[1] ?? "", /^Cafe Free WiFi\s+02:ca:fe:00:00:01\s+72 ▂▄▆_\s+open\s+Cafe Co\s+high$/);
    assert.match(lines[2] ?? "", /^Home\s+02:00:00:00:00:02\s+40 ▂▄__\s+wpa2-psk\s+--\s+--$/);
  });

  test("aligns columns by display width with wide CJK and emoji SSIDs", () => {
    const rows = annotate([net("喫茶店", 90), net("☕ Bean", 80), net("abc", 70)], [[], [], []]);
    const lines = renderTable(rows).trimEnd().split("\n");
    const bssidColumn = lines.map((l) => displayWidth(l.slice(0, l.search(/BSSID|02:00/))));
    assert.deepEqual(bssidColumn, [9, 9, 9, 9]);
  });

  test("never emits control characters: ESC sequences, newlines and invalid bytes become \\xNN", () => {
    const hostile = Uint8Array.from([...utf8("Free\x1b[2J\x1b[31mWiFi\nfake row\u202e"), 0xff]);
    const rows = annotate([net(hostile, 50)], [[claim("p", "low", "Bad\x07Name")]]);
    const out = renderTable(rows);
    assert.doesNotMatch(out, CONTROL);
    assert.doesNotMatch(out, /\u202e/);
    assert.equal(out.trimEnd().split("\n").length, 2);
    assert.match(out, /Free\\x1b\[2J\\x1b\[31mWiFi\\x0afake row\\xe2\\x80\\xae\\xff/);
    assert.match(out, /Bad\\x07Name/);
  });

  test("a backslash is doubled so it cannot imitate an escape, and a hidden SSID shows --", () => {
    const rows = annotate([net("a\\x1b", 50), net("", 40)], [[], []]);
    const lines = renderTable(rows).split("\n");
    assert.match(lines[1] ?? "", /^a\\\\x1b /);
    assert.match(lines[2] ?? "", /^-- /);
  });
});

describe("renderTerse", () => {
  test("prints colon-separated fields with : and \\ escaped like nmcli -t, no header", () => {
    const rows = annotate(
      [net("Bus:Stop", 60, "02:00:00:00:00:05", "wpa-psk"), net("Joe\\Net", 10)],
      [[claim("x", "medium", "A:B")], []],
    );
    assert.equal(
      renderTerse(rows),
      "Bus\\:Stop:02\\:00\\:00\\:00\\:00\\:05:60:wpa-psk:A\\:B:medium\n" +
        "Joe\\\\Net:02\\:00\\:00\\:00\\:00\\:01:10:open::\n",
    );
  });

  test("keeps each AP on one line even when the SSID holds a newline", () => {
    const out = renderTerse(annotate([net("a\nb", 1)], [[]]));
    assert.equal(out, "a\\x0ab:02\\:00\\:00\\:00\\:00\\:01:1:open::\n");
  });
});

describe("renderJson", () => {
  test("prints exactly the contract fields, with ssidHex and U+FFFD for invalid bytes", () => {
    const rows = annotate(
      [net(Uint8Array.from([0x63, 0x61, 0x66, 0xff]), 40, "02:00:00:00:00:02", "wpa2-psk"), net("Cafe", 70)],
      [[], [claim("cafe", "high", "Cafe Co"), claim("click", "low", "Click")]],
    );
    const parsed: unknown = JSON.parse(renderJson(rows));
    assert.deepEqual(parsed, [
      {
        ssid: "Cafe",
        ssidHex: "43616665",
        bssid: "02:00:00:00:00:01",
        strength: 70,
        frequency: 2437,
        security: "open",
        provider: { pluginId: "cafe", displayName: "Cafe Co", confidence: "high" },
        claims: [
          { pluginId: "cafe", displayName: "Cafe Co", confidence: "high" },
          { pluginId: "click", displayName: "Click", confidence: "low" },
        ],
      },
      {
        ssid: "caf\uFFFD",
        ssidHex: "636166ff",
        bssid: "02:00:00:00:00:02",
        strength: 40,
        frequency: 2437,
        security: "wpa2-psk",
        provider: null,
        claims: [],
      },
    ]);
  });

  test("escapes bidi overrides and C1 controls in the text so the data survives but the terminal is safe", () => {
    const out = renderJson(annotate([net("x\u202ey\u0085\x1b", 1)], [[]]));
    for (const ch of ["\u202e", "\u0085", "\u001b"]) assert.equal(out.includes(ch), false);
    assert.equal(JSON.parse(out)[0].ssid, "x\u202ey\u0085\u001b");
    assert.match(out, /"ssid": "x\\u202ey\\u0085\\u001b"/);
  });
});

describe("escapeBytes", () => {
  test("keeps printable UTF-8 including emoji ZWJ sequences, escapes zero-width spaces", () => {
    assert.equal(escapeBytes(utf8("👩‍💻 Café")), "👩‍💻 Café");
    assert.equal(escapeBytes(utf8("Ca\u200bfe")), "Ca\\xe2\\x80\\x8bfe");
  });

  test("escapes overlong encodings and encoded surrogates byte by byte", () => {
    assert.equal(escapeBytes(Uint8Array.from([0xc0, 0xaf, 0xed, 0xa0, 0x80])), "\\xc0\\xaf\\xed\\xa0\\x80");
  });
});
