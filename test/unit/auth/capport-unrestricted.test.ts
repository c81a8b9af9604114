import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createCapportClient } from "../../../src/auth/capport-client.ts";
import { detectPortal } from "../../../src/auth/detect.ts";
import type { HttpClient } from "../../../src/helper-api/context.ts";

const noHttp: HttpClient = {
  request: () => Promise.reject(new Error("no request expected")),
  get: () => Promise.reject(new Error("no request expected")),
  post: () => Promise.reject(new Error("no request expected")),
};

const SPELLINGS = [
  "urn:ietf:params:capport:unrestricted",
  "URN:IETF:params:capport:unrestricted",
  "Urn:Ietf:Params:Capport:Unrestricted",
  "  urn:ietf:params:capport:unrestricted\n",
  "urn:ietf:params:capport:unrestricted\0",
  " URN:ietf:params:capport:unrestricted\0\0",
];

describe("RFC 8910 unrestricted URN", () => {
  for (const uri of SPELLINGS) {
    test(`detection reads ${JSON.stringify(uri)} as no portal without probing`, async () => {
      const info = await detectPortal("http://127.0.0.1:9/generate_204", {
        apiUri: uri,
        signal: AbortSignal.abort(),
      });
      assert.equal(info.verdict, "online");
      assert.equal(info.decidedBy, "dhcp");
      assert.equal(info.apiUri?.toLowerCase(), "urn:ietf:params:capport:unrestricted");
    });

    test(`the plugin's capport client has no API for ${JSON.stringify(uri)}`, () => {
      assert.equal(createCapportClient(noHttp, uri).uri, undefined);
    });
  }

  test("an API URI announced with whitespace and a trailing NUL is used without them", () => {
    assert.equal(createCapportClient(noHttp, " https://api.test/capport\0").uri, "https://api.test/capport");
  });

  test("an announcement that is only whitespace and NULs is no API", () => {
    assert.equal(createCapportClient(noHttp, " \0").uri, undefined);
  });
});
