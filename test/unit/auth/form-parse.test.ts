import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseForms } from "../../../src/auth/form-parse.ts";
import { formFields } from "../../../src/auth/forms.ts";
import type { HtmlForm } from "../../../src/helper-api/context.ts";

const PAGE = "http://portal.test/auth/login.html?ref=probe#top";

const twoForms = `<!DOCTYPE html><html><body>
<form id="search" action="/search"><input name="q" value="wifi"></form>
<FORM Name="login" METHOD="post" action="do_login.php">
  <input type="hidden" name="csrf" value="t&amp;k">
  <label>User <input name="username"></label>
  <input type="password" name="password">
  <input type="checkbox" name="remember" value="1" checked>
  <input type="checkbox" name="terms">
  <input type="radio" name="plan" value="free" checked>
  <input type="radio" name="plan" value="paid">
  <select name="lang"><option value="de">Deutsch</option><option value="en" selected>English</option></select>
  <select name="zone"><option>North </option><option> South</option></select>
  <textarea name="note">
hello</textarea>
  <input name="disabled_field" value="x" disabled>
  <input type="submit" name="go" value="Sign in">
  <input type="submit" name="cancel" value="Cancel">
  <input type="file" name="upload">
</FORM>
</body></html>`;

function form(html: string, url = PAGE): HtmlForm {
  const found = parseForms(html, url)[0];
  assert.ok(found, "a form was found");
  return found;
}

describe("parseForms", () => {
  test("finds every form with its id, name and method", () => {
    const forms = parseForms(twoForms, PAGE);
    assert.equal(forms.length, 2);
    assert.deepEqual(
      forms.map((f) => [f.id, f.name, f.method]),
      [
        ["search", undefined, "GET"],
        [undefined, "login", "POST"],
      ],
    );
  });

  test("resolves relative actions against the page URL", () => {
    const [search, login] = parseForms(twoForms, PAGE);
    assert.equal(search?.action, "http://portal.test/search");
    assert.equal(login?.action, "http://portal.test/auth/do_login.php");
    assert.equal(login?.pageUrl, "http://portal.test/auth/login.html?ref=probe");
  });

  test("an empty or missing action submits to the page itself", () => {
    assert.equal(
      form(`<form action=""><input name="a"></form>`).action,
      "http://portal.test/auth/login.html?ref=probe",
    );
    assert.equal(
      form(`<form><input name="a"></form>`).action,
      "http://portal.test/auth/login.html?ref=probe",
    );
  });

  test("a base element changes how relative actions resolve", () => {
    const html = `<head><base href="https://login.example.net/portal/"></head><form action="go"></form>`;
    assert.equal(form(html).action, "https://login.example.net/portal/go");
  });

  test("keeps hidden fields with entities decoded, checkboxes, radios, selects and textareas", () => {
    const login = parseForms(twoForms, PAGE)[1];
    assert.deepEqual(login?.inputs, [
      { name: "csrf", type: "hidden", value: "t&k" },
      { name: "username", type: "text", value: "" },
      { name: "password", type: "password", value: "" },
      { name: "remember", type: "checkbox", value: "1", checked: true },
      { name: "terms", type: "checkbox", value: "on", checked: false },
      { name: "plan", type: "radio", value: "free", checked: true },
      { name: "plan", type: "radio", value: "paid", checked: false },
      { name: "lang", type: "select", value: "en" },
      { name: "zone", type: "select", value: "North" },
      { name: "note", type: "textarea", value: "hello" },
      { name: "go", type: "submit", value: "Sign in" },
      { name: "cancel", type: "submit", value: "Cancel" },
      { name: "upload", type: "file", value: "" },
    ]);
  });

  test("buttons default to submit and controls outside a form join it by the form attribute", () => {
    const html = `<form id="f" action="/x"><button name="b" value="1">Go</button></form><input form="f" name="late" value="2">`;
    assert.deepEqual(form(html).inputs, [
      { name: "b", type: "submit", value: "1" },
      { name: "late", type: "text", value: "2" },
    ]);
  });

  test("tolerates broken HTML: unclosed tags and stray closers", () => {
    const html = `<div><form action=/a method=POST><p><input name=a value=1><input name=b value=2></div></td>`;
    assert.deepEqual(
      form(html).inputs.map((i) => i.name),
      ["a", "b"],
    );
  });

  test("a page without forms gives none", () => {
    assert.deepEqual(parseForms("<html><body><p>Hello</p></body></html>", PAGE), []);
  });
});

describe("formFields", () => {
  const login = (): HtmlForm => {
    const f = parseForms(twoForms, PAGE)[1];
    assert.ok(f);
    return f;
  };

  test("keeps defaults and checked boxes, the first named submit button, and fills values", () => {
    assert.deepEqual(formFields(login(), { username: "ann", password: "p w" }), [
      ["csrf", "t&k"],
      ["username", "ann"],
      ["password", "p w"],
      ["remember", "1"],
      ["plan", "free"],
      ["lang", "en"],
      ["zone", "North"],
      ["note", "hello"],
      ["go", "Sign in"],
    ]);
  });

  test("naming an unchecked checkbox checks it with the given value", () => {
    assert.deepEqual(
      formFields(login(), { terms: "on" }).find(([n]) => n === "terms"),
      ["terms", "on"],
    );
  });

  test("a value for a radio group replaces the checked choice once", () => {
    assert.deepEqual(
      formFields(login(), { plan: "paid" }).filter(([n]) => n === "plan"),
      [["plan", "paid"]],
    );
  });

  test("values for names the form lacks are appended, and hidden fields can be overridden", () => {
    const fields = formFields(login(), { extra: "x", csrf: "other" });
    assert.deepEqual(fields[0], ["csrf", "other"]);
    assert.deepEqual(fields.at(-1), ["extra", "x"]);
  });
});
