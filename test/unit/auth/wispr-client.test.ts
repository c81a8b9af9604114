import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createWisprClient } from "../../../src/auth/wispr/client.ts";
import { isHotspotError } from "../../../src/errors.ts";
import type { HttpClient, HttpResponse, PortalInfo } from "../../../src/helper-api/context.ts";

const PROBE = "http://probe.test/generate_204";

function redirectPage(responseCode: number): string {
  return `<html><!--<?xml version="1.0" encoding="UTF-8"?>
<WISPAccessGatewayParam><Redirect><AccessProcedure>1.0</AccessProcedure>
<LoginURL>https://gw.test/login</LoginURL><MessageType>100</MessageType>
<ResponseCode>${responseCode}</ResponseCode></Redirect></WISPAccessGatewayParam>--></html>`;
}

/** An HttpClient that answers GETs from a table and records every POST. */
function fakeHttp(pages: Record<string, Omit<HttpResponse, "url" | "redirects">>) {
  const posts: string[] = [];
  const answer = async (url: string | URL): Promise<HttpResponse> => {
    const page = pages[String(url)];
    if (!page) throw new Error(`unexpected request to ${String(url)}`);
    return { url: String(url), redirects: [], ...page };
  };
  const http: HttpClient = {
    request: answer,
    get: answer,
    post: async (url) => {
      posts.push(String(url));
      return answer(url);
    },
  };
  return { http, posts };
}

const portal: PortalInfo = { verdict: "portal", probeUrl: PROBE, loginUrl: PROBE };

describe("WISPr client", () => {
  test("a redirect whose Location is not a URL is HH_WISPR_INVALID, not a TypeError", async () => {
    const { http } = fakeHttp({
      [PROBE]: { status: 302, headers: { location: "http://[not-an-ip" }, body: "" },
    });
    await assert.rejects(
      createWisprClient(http, portal).discover(),
      (e: unknown) => isHotspotError(e, "HH_WISPR_INVALID") && /Location/.test(e.message),
    );
  });

  test("login refuses a Redirect with a non-zero ResponseCode as HH_WISPR_INVALID and posts nothing", async () => {
    const { http, posts } = fakeHttp({ [PROBE]: { status: 200, headers: {}, body: redirectPage(255) } });
    await assert.rejects(
      createWisprClient(http, portal).login({ username: "u", password: "p" }),
      (e: unknown) => isHotspotError(e, "HH_WISPR_INVALID") && /ResponseCode 255/.test(e.message),
    );
    assert.deepEqual(posts, []);
  });

  test("login posts to the LoginURL of a Redirect with ResponseCode 0", async () => {
    const { http, posts } = fakeHttp({
      [PROBE]: { status: 200, headers: {}, body: redirectPage(0) },
      "https://gw.test/login": {
        status: 200,
        headers: {},
        body: "<!--<WISPAccessGatewayParam><AuthenticationReply><MessageType>120</MessageType><ResponseCode>50</ResponseCode></AuthenticationReply></WISPAccessGatewayParam>-->",
      },
    });
    const outcome = await createWisprClient(http, portal).login({ username: "u", password: "p" });
    assert.equal(outcome.result.result, "success");
    assert.deepEqual(posts, ["https://gw.test/login"]);
  });
});
