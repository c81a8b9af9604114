import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isHotspotError } from "../../../src/errors.ts";
import { describeAccount, parseTestAccount, portalCredentialsOf } from "../../../src/harness/test-account.ts";

describe("plugin test accounts", () => {
  test("the short form: keys are both the credentials and the form's fields, in order", () => {
    const account = parseTestAccount({ room: 412, surname: "Smith" }, "--account");
    assert.deepEqual(account.credentials, { room: 412, surname: "Smith" });
    assert.deepEqual(account.fields, [
      { name: "room", value: "412", secret: false },
      { name: "surname", value: "Smith", secret: false },
    ]);
    assert.deepEqual(portalCredentialsOf(account), {
      username: "412",
      password: "Smith",
      fields: account.fields,
    });
  });

  test("the long form maps form fields to credential keys and generates the values left out", () => {
    const account = parseTestAccount({ fields: { user: "username", pass: "password" } }, "f.json");
    assert.deepEqual(Object.keys(account.credentials), ["username", "password"]);
    assert.match(String(account.credentials.username), /^hh-test-[0-9a-f]{6}$/);
    assert.deepEqual(
      account.fields.map((f) => [
        f.name,
        f.secret,
        f.value === String(account.credentials[f.name === "user" ? "username" : "password"]),
      ]),
      [
        ["user", false, true],
        ["pass", true, true],
      ],
    );
  });

  test("given credentials in the long form are kept", () => {
    const account = parseTestAccount(
      { credentials: { email: "a@b.example", pin: "4711" }, fields: { mail: "email", code: "pin" } },
      "f.json",
    );
    assert.deepEqual(account.fields, [
      { name: "mail", value: "a@b.example", secret: false },
      { name: "code", value: "4711", secret: true },
    ]);
  });

  test("bad accounts are HH_CONFIG_INVALID naming the source and every field", () => {
    for (const raw of [{}, { room: "" }, { fields: {}, extra: 1 }, [1], "x", { credentials: { a: true } }]) {
      assert.throws(
        () => parseTestAccount(raw, "h.json"),
        (e) => isHotspotError(e, "HH_CONFIG_INVALID") && e.params.file === "h.json",
        JSON.stringify(raw),
      );
    }
  });

  test("described with every value but the first field's redacted", () => {
    const fields = [
      { name: "room", value: "412", secret: false },
      { name: "surname", value: "Smith", secret: false },
    ];
    assert.equal(describeAccount(fields), 'room="412", surname=***');
    assert.equal(describeAccount([{ name: "voucher", value: "K7P", secret: false }]), "voucher=***");
  });
});
