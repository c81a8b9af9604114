import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formFields } from "../../../../src/auth/forms.ts";
import { chooseTermsAction, type TermsChoice } from "../../../../src/auth/terms/choose.ts";
import { MAX_BUTTONS_PER_FORM, readTermsPage } from "../../../../src/auth/terms/page.ts";

const URL_ = "http://portal.example/guest/terms?zone=guest";
const choose = (body: string): TermsChoice =>
  chooseTermsAction(readTermsPage(`<html><body>${body}</body></html>`, URL_));

function sent(choice: TermsChoice): { action: string; method: string; fields: [string, string][] } {
  assert.equal(choice.found, true, JSON.stringify(choice));
  if (!choice.found || choice.action.kind !== "submit")
    throw new Error(`not a submit: ${JSON.stringify(choice)}`);
  return {
    action: choice.action.form.action,
    method: choice.action.form.method,
    fields: formFields(choice.action.form, choice.action.values),
  };
}

describe("chooseTermsAction", () => {
  test("of several submit buttons, the one that accepts is pressed and only it is sent", () => {
    const s = sent(
      choose(`<form method="post" action="/fgtauth"><input type="hidden" name="magic" value="m1">
        <button type="submit" name="answer" value="0">Ablehnen</button>
        <button type="submit" name="answer" value="1">Akzeptieren</button></form>`),
    );
    assert.deepEqual(s.fields, [
      ["magic", "m1"],
      ["answer", "1"],
    ]);
    assert.equal(s.action, "http://portal.example/fgtauth");
  });

  test("every checkbox of the form is ticked and hidden fields are kept", () => {
    const s = sent(
      choose(`<form method="post" action="accept"><input type="hidden" name="redirect_url" value="http://x/">
        <input type="checkbox" name="tos" value="yes"><input type="checkbox" name="privacy">
        <input type="submit" value="Connect"></form>`),
    );
    assert.deepEqual(s.fields, [
      ["redirect_url", "http://x/"],
      ["tos", "yes"],
      ["privacy", "on"],
    ]);
    assert.equal(s.action, "http://portal.example/guest/accept");
  });

  test("an empty action posts to the page itself, query kept", () => {
    const s = sent(
      choose(`<form method="post" action=""><input name="accept" type="submit" value="Continue"></form>`),
    );
    assert.equal(s.action, URL_);
    assert.deepEqual(s.fields, [["accept", "Continue"]]);
  });

  test("a continue link is followed; links to the terms and help are not", () => {
    const c = choose(`<a href="/terms">Terms of service</a> <a href="/help">Help</a>
      <a href="https://n1.network-auth.example/splash/grant?continue_url=x">Continue to the Internet</a>`);
    assert.equal(
      c.found && c.action.kind === "link" && c.action.url,
      "https://n1.network-auth.example/splash/grant?continue_url=x",
    );
    assert.equal(c.found && c.strong, true);
  });

  test("a form button that says accept beats a link that says continue", () => {
    const c = choose(`<a href="/next">Continue</a><form action="/ok"><button>I agree</button></form>`);
    assert.equal(c.found && c.action.kind, "submit");
  });

  test("a type=button whose onclick sets a field and submits is pressed by its statements", () => {
    const s = sent(
      choose(`<form name="webauth" method="post" action="/login.html"><input type="hidden" name="buttonClicked" value="0">
        <input type="hidden" name="redirect_url" value="http://a/"><input type="button" value="Accept"
        onclick="document.forms['webauth'].elements['buttonClicked'].value = '4'; document.forms['webauth'].submit();"></form>`),
    );
    assert.deepEqual(s.fields, [
      ["buttonClicked", "4"],
      ["redirect_url", "http://a/"],
    ]);
  });

  test("getElementById targets a field by its id", () => {
    const s = sent(
      choose(`<form id="f" action="/go" method="post"><input type="hidden" id="ans" name="answer" value="0">
        <button type="button" onclick="document.getElementById('ans').value='1';document.getElementById('f').submit()">OK</button></form>`),
    );
    assert.deepEqual(s.fields, [["answer", "1"]]);
  });

  test("an accept button whose script cannot be read is reported for a browser", () => {
    const c = choose(
      `<form action="/go"><button type="button" onclick="doLogin(token())">Accept</button></form>`,
    );
    assert.deepEqual(c.found ? "found" : c.why, "script");
    assert.match(c.found ? "" : c.detail, /"Accept"/);
  });

  test("a form asking for a password is never submitted; a free-access form beside it is", () => {
    const both =
      choose(`<form action="/login" method="post"><input name="user"><input type="password" name="pass"><button>Log in</button></form>
      <form action="/free" method="post"><input type="checkbox" name="tos"><button>Free access</button></form>`);
    assert.equal(sent(both).action, "http://portal.example/free");
    const onlyLogin = choose(
      `<form action="/login" method="post"><input type="email" name="mail"><input type="password" name="pass"><button>Connect</button></form>`,
    );
    assert.deepEqual(onlyLogin.found ? [] : onlyLogin.asks, ["email", "password"]);
    assert.equal(onlyLogin.found ? "" : onlyLogin.why, "personal");
  });

  test("a card number field makes the form personal", () => {
    const c = choose(
      `<form action="/pay" method="post"><input name="cc_number" autocomplete="cc-number"><button>Connect</button></form>`,
    );
    assert.deepEqual(c.found ? [] : c.asks, ["card"]);
  });

  test("a page with only decline controls says so", () => {
    const c = choose(
      `<form action="/x" method="post"><button name="a" value="0">Decline</button></form><a href="/y">Cancel</a>`,
    );
    assert.equal(c.found ? "" : c.why, "decline-only");
  });

  test("a meta refresh is a weak move; a self-refresh and a slow one are not moves", () => {
    const page = (meta: string) =>
      chooseTermsAction(
        readTermsPage(
          `<html><head><meta http-equiv="refresh" content="${meta}"></head><body></body></html>`,
          URL_,
        ),
      );
    const quick = page("0; url=/login?dst=x");
    assert.equal(
      quick.found && quick.action.kind === "move" && quick.action.url,
      "http://portal.example/login?dst=x",
    );
    assert.equal(quick.found && quick.strong, false);
    assert.equal(page("5").found, false);
    assert.equal(page("300; url=/elsewhere").found, false);
  });

  test("hundreds of forms and links are bounded, and their unlabelled buttons are not pressed", () => {
    const forms = Array.from(
      { length: 400 },
      (_, i) => `<form action="/s"><input name="q" value="${i}"><button>Go</button></form>`,
    );
    const links = Array.from({ length: 2000 }, (_, i) => `<a href="/p${i}">Page ${i}</a>`);
    const page = readTermsPage(
      `<html><body>${forms.join("")}${links.join("")}<a href="/ok">Accept</a></body></html>`,
      URL_,
    );
    assert.equal(page.forms.length, 50);
    assert.equal(page.links.length, 200);
    assert.deepEqual(page.counts, { forms: 400, links: 2001 });
    const c = chooseTermsAction(page);
    assert.equal(c.found ? "" : c.why, "nothing");
    assert.match(c.found ? "" : c.detail, /400 form\(s\) and 2001 link\(s\)/);
  });
  test("a form the page submits by itself on load is a weak move; a submit inside a function is not", () => {
    const auto = choose(`<form name="redirect" action="http://ext.example/splash" method="post">
      <input type="hidden" name="mac" value="02:00:00:00:00:01"><input type="hidden" name="dst" value="http://a/"></form>
      <script>\n<!--\n document.redirect.submit();\n//-->\n</script>`);
    assert.equal(auto.found && auto.strong, false);
    assert.deepEqual(sent(auto), {
      action: "http://ext.example/splash",
      method: "POST",
      fields: [
        ["mac", "02:00:00:00:00:01"],
        ["dst", "http://a/"],
      ],
    });
    const onload = chooseTermsAction(
      readTermsPage(
        `<html><body onload="document.forms[0].submit()"><form action="/go" method="post"><input type="hidden" name="a" value="1"></form></body></html>`,
        URL_,
      ),
    );
    assert.equal(
      onload.found && onload.action.kind === "submit" && onload.action.form.action,
      "http://portal.example/go",
    );
    const inFunction = choose(`<form action="/go"><input type="hidden" name="a" value="1"></form>
      <script>function later() { document.forms[0].submit(); } if (window.x) { document.forms[0].submit(); }</script>`);
    assert.equal(inFunction.found, false);
  });
  test("a button's formaction and formmethod replace the form's; a cookie banner's accept is not the terms'", () => {
    const s2 = sent(
      choose(
        `<form method="get" action="/decline"><button type="submit" formaction="/accept" formmethod="post" name="ok" value="1">Accept</button></form>`,
      ),
    );
    assert.deepEqual(
      [s2.action, s2.method, s2.fields],
      ["http://portal.example/accept", "POST", [["ok", "1"]]],
    );
    const c = choose(`<form action="/consent" method="post"><button>Accept cookies</button></form>
      <form action="/terms" method="post"><button>Continue</button></form>`);
    assert.equal(sent(c).action, "http://portal.example/terms");
  });

  test("a form with thousands of buttons keeps the first twenty, and the accept among them is pressed", () => {
    const noise = '<button type="button" onclick="document.forms[0].submit()">Plus</button>'.repeat(5_000);
    const page = readTermsPage(
      `<form id="f" action="/ok" method="post"><button name="go" value="1">Accept</button>${noise}</form>${'<button form="f">More</button>'.repeat(50)}`,
      URL_,
    );
    assert.equal(page.forms[0]?.buttons.length, MAX_BUTTONS_PER_FORM);
    const c = chooseTermsAction(page);
    assert.deepEqual(sent(c).fields, [["go", "1"]]);
  });
});
