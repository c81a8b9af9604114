import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createFormHelper } from "../../../src/auth/forms.ts";
import { createHttpClient } from "../../../src/auth/http-client.ts";
import { probe } from "../../../src/auth/probe.ts";
import { type Portal, withPortal } from "../../../src/harness/index.ts";
import { parseTestAccount, portalCredentialsOf } from "../../../src/harness/test-account.ts";

const hotel = portalCredentialsOf(parseTestAccount({ room: "412", surname: "Smith" }, "test"));

function forms(portal: Portal) {
  return createFormHelper(
    createHttpClient({
      credentials: { room: "412", surname: "Smith" },
      portalHosts: [{ host: new URL(portal.url).hostname, allowHttp: true }],
      pluginId: "hotel",
    }),
  );
}

async function loginForm(portal: Portal) {
  const f = forms(portal);
  const detected = await probe(portal.probeUrl);
  const { forms: found } = await f.load(detected.loginUrl ?? "");
  const form = found[0];
  assert.ok(form);
  return { f, form };
}

describe("form-login with an account's own fields", () => {
  test("the page asks for exactly the account's fields, and their values let the client in", () =>
    withPortal({ scenario: "form-login", credentials: hotel }, async (portal) => {
      const { f, form } = await loginForm(portal);
      assert.deepEqual(
        form.inputs.filter((i) => i.type === "text" || i.type === "password").map((i) => i.name),
        ["room", "surname"],
      );
      await f.submit(form, { room: "412", surname: "Smith" });
      assert.equal(portal.authorized(), true);
    }));

  test("one wrong value keeps the client captive with an error page", () =>
    withPortal({ scenario: "form-login", credentials: hotel }, async (portal) => {
      const { f, form } = await loginForm(portal);
      const res = await f.submit(form, { room: "412", surname: "Smyth" });
      assert.match(res.body, /Invalid details/);
      assert.equal(portal.authorized(), false);
    }));

  test("two-step asks for the first field, then the others", () =>
    withPortal({ scenario: "form-login:two-step", credentials: hotel }, async (portal) => {
      const { f, form } = await loginForm(portal);
      assert.ok(form.inputs.some((i) => i.name === "room"));
      assert.ok(!form.inputs.some((i) => i.name === "surname"));
      const next = await f.submit(form, { room: "412" });
      const second = f.parse(next.body, next.url)[0];
      assert.ok(second?.inputs.some((i) => i.name === "surname"));
      if (!second) return;
      await f.submit(second, { surname: "Smith" });
      assert.equal(portal.authorized(), true);
    }));

  test("the evil twin records the account's values arriving on its undeclared host", () =>
    withPortal({ scenario: "hostile:evil-twin", credentials: hotel }, async (portal) => {
      const http = createHttpClient();
      const detected = await probe(portal.probeUrl);
      const f = createFormHelper(http);
      const { forms: found } = await f.load(detected.loginUrl ?? "");
      const form = found[0];
      assert.ok(form);
      await f.submit(form, { room: "412", surname: "Smith" });
      assert.deepEqual(
        portal.receivedCredentials.map((r) => [r.username, r.password]),
        [["412", "Smith"]],
      );
    }));
});
