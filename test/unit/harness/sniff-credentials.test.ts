import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { sniffCredentials } from "../../../src/harness/request.ts";
import type { PortalCredentials, PortalRequest } from "../../../src/harness/types.ts";

const HOTEL: PortalCredentials = {
  username: "412",
  password: "Smith",
  fields: [
    { name: "room", value: "412", secret: false },
    { name: "surname", value: "Smith", secret: true },
  ],
};

function request(over: Partial<PortalRequest> & { headers?: Record<string, string> }): PortalRequest {
  return {
    method: "GET",
    path: "/login",
    query: new URLSearchParams(),
    headers: {},
    rawHeaderNames: [],
    cookies: new Map(),
    form: new URLSearchParams(),
    body: "",
    client: "127.0.0.1",
    host: "127.0.0.1:34120",
    tls: false,
    url: "http://127.0.0.1:34120/login",
    ...over,
  };
}

describe("the harness's credential record", () => {
  test("a room number that is part of the portal's port or of a body length is not a credential received", () => {
    const plain = request({ headers: { host: "127.0.0.1:34120", "content-length": "412", accept: "*/*" } });
    assert.equal(sniffCredentials(plain, HOTEL), undefined);
  });

  test("the account's values arriving under their names, or hidden in any other header, are recorded", () => {
    const posted = request({
      method: "POST",
      form: new URLSearchParams({ room: "412", surname: "Smith" }),
      body: "room=412&surname=Smith",
    });
    assert.deepEqual(
      [sniffCredentials(posted, HOTEL)?.username, sniffCredentials(posted, HOTEL)?.password],
      ["412", "Smith"],
    );
    const smuggled = request({ headers: { "x-guest": "412/Smith" } });
    assert.deepEqual(
      [sniffCredentials(smuggled, HOTEL)?.username, sniffCredentials(smuggled, HOTEL)?.password],
      ["412", "Smith"],
    );
  });
});
