import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { functionBody, planScript } from "../../../../src/auth/terms/onclick.ts";

describe("planScript reads button scripts statically", () => {
  test("document.forms[x].field.value then submit()", () => {
    assert.deepEqual(planScript("document.forms[0].buttonClicked.value = 4; document.forms[0].submit();"), {
      ok: true,
      sets: [{ field: { by: "name", form: { by: "index", index: 0 }, name: "buttonClicked" }, value: "4" }],
      submit: { by: "index", index: 0 },
    });
  });

  test("document.forms['name'].elements['f'].value and a named form's submit", () => {
    const plan = planScript(
      `document.forms['webauth'].elements["buttonClicked"].value='4'; document.forms['webauth'].submit()`,
    );
    assert.deepEqual(plan, {
      ok: true,
      sets: [
        { field: { by: "name", form: { by: "name", name: "webauth" }, name: "buttonClicked" }, value: "4" },
      ],
      submit: { by: "name", name: "webauth" },
    });
  });

  test("getElementById(…).value, checked = true, legacy document.name access and return", () => {
    const plan = planScript(
      "document.getElementById('answer').value = \"1\"; document.getElementById('tos').checked = true; document.sendin.submit(); return false;",
    );
    assert.deepEqual(plan, {
      ok: true,
      sets: [
        { field: { by: "id", id: "answer" }, value: "1" },
        { field: { by: "id", id: "tos" }, value: true },
      ],
      submit: { by: "name", name: "sendin" },
    });
  });

  test("a call of a page function without arguments is read one level deep", () => {
    const scripts =
      "var x = 1;\nfunction submitAction() {\n  document.forms[0].buttonClicked.value = 4;\n  document.forms[0].submit();\n}\n";
    assert.equal(functionBody(scripts, "submitAction")?.includes("buttonClicked"), true);
    const plan = planScript("submitAction();", scripts);
    assert.equal(plan.ok, true);
    assert.deepEqual(plan.ok && plan.submit, { by: "index", index: 0 });
  });

  test("anything more is left to a browser, with the statement that could not be read", () => {
    const computed = planScript("document.forms[0].token.value = compute(nonce); document.forms[0].submit()");
    assert.equal(computed.ok, false);
    assert.match(computed.ok ? "" : computed.reason, /computed value/);
    const fetchCall = planScript("fetch('/api/accept', {method: 'POST'})");
    assert.equal(fetchCall.ok, false);
    assert.match(fetchCall.ok ? "" : fetchCall.reason, /cannot read the statement: fetch/);
    const missing = planScript("doLogin()", "function other() {}");
    assert.equal(missing.ok, false);
    assert.match(missing.ok ? "" : missing.reason, /doLogin\(\)/);
    const recursive = planScript("a()", "function a() { a(); }");
    assert.equal(recursive.ok, false);
  });

  test("a handler longer than the cap is refused without being scanned", () => {
    const plan = planScript("x=1;".repeat(5000));
    assert.equal(plan.ok, false);
  });
});
