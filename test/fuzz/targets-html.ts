import fc from "fast-check";
import { parseForms } from "../../src/auth/form-parse.ts";
import { findPageMoves, MAX_MOVES } from "../../src/auth/page-moves.ts";
import { chooseTermsAction } from "../../src/auth/terms/choose.ts";
import { planScript } from "../../src/auth/terms/onclick.ts";
import {
  MAX_BUTTONS_PER_FORM,
  MAX_FORMS,
  MAX_LABEL_CHARS,
  MAX_LINKS,
  readTermsPage,
} from "../../src/auth/terms/page.ts";
import { type FuzzTarget, fail, flood, isHttpUrl, soup, target, webUrl } from "./target.ts";

const PAGE = "http://portal.example/welcome/index.html?x=1";

const HTML_TOKENS = [
  "<form>",
  '<form id="f" action="/login" method="post">',
  '<form action="javascript:void(0)">',
  '<form action="http://[bad">',
  "</form>",
  '<input name="user" value="a&amp;b">',
  '<input type="checkbox" name="accept" checked>',
  '<input type="password" name="pw">',
  '<input name="email" autocomplete="email">',
  '<input type="submit" name="go" value="Accept">',
  '<input form="f" name="late" disabled>',
  '<button name="b" onclick="document.forms[0].submit()">I agree</button>',
  '<button type="button" onclick="accept()">Continue</button>',
  "</button>",
  '<select name="s" multiple>',
  '<option selected value="1">',
  "<option>two",
  "</option>",
  "</select>",
  '<textarea name="t">',
  "</textarea>",
  '<a href="/next">Connect</a>',
  '<a href="javascript:go()">Accept</a>',
  '<a href="mailto:x@y">',
  "</a>",
  '<base href="https://other.example/base/">',
  '<meta http-equiv="refresh" content="0; url=/go">',
  '<meta http-equiv="Refresh" content="3;URL=\'https://x.example/\'">',
  '<meta http-equiv="refresh" content="1e9999999999999999999;url=/x">',
  "<script>",
  "</script>",
  'window.location.href = "/login";',
  "location.replace('https://cp.example/')",
  "function accept(){ document.getElementById('f').submit(); }",
  'top.location="javascript:alert(1)"',
  "/*",
  "*/",
  "//",
  "<title>",
  "</title>",
  '<body onload="document.forms[0].submit()">',
  "<!--",
  "-->",
  "&#0;",
  "&amp;",
  "<",
  ">",
  '"',
  "'",
  " ",
];
const html = fc.oneof({ weight: 4, arbitrary: soup(HTML_TOKENS, 60) }, fc.string({ unit: "binary" }), {
  weight: 1,
  arbitrary: flood(HTML_TOKENS),
});

/** Attribute text: HTML replaces NUL and normalizes CR, so the round trip leaves them out. */
const attrText = fc.string({ maxLength: 24, unit: "binary" }).filter((s) => !/[\0\r]/.test(s));
const escapeAttr = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const formFields = fc.array(
  fc.record({
    name: attrText.filter((s) => s !== ""),
    value: attrText,
    type: fc.constantFrom("text", "hidden", "password", "email"),
  }),
  { maxLength: 8 },
);

function checkMoves(moves: ReturnType<typeof findPageMoves>): void {
  if (moves.length > MAX_MOVES) fail(`${moves.length} moves`);
  for (const m of moves) {
    if (!isHttpUrl(m.url)) fail(`move to a non-http(s) URL ${m.url}`);
    if (m.delaySeconds !== undefined && !(Number.isSafeInteger(m.delaySeconds) && m.delaySeconds >= 0))
      fail(`delay ${m.delaySeconds}`);
  }
}

export const htmlTargets: readonly FuzzTarget[] = [
  target({
    name: "forms: any page",
    arbitrary: html,
    allowed: [],
    check(page) {
      for (const f of parseForms(page, PAGE)) {
        if (!URL.canParse(f.action)) fail(`action ${f.action} is not a URL`);
        if (f.method !== "GET" && f.method !== "POST") fail(`method ${f.method}`);
        for (const i of f.inputs) if (typeof i.name !== "string" || i.name === "") fail("nameless input");
      }
    },
  }),
  target({
    name: "forms: fields round trip",
    arbitrary: fc.record({ fields: formFields, action: webUrl, post: fc.boolean() }),
    allowed: [],
    check({ fields, action, post }) {
      const inputs = fields
        .map((f) => `<input type="${f.type}" name="${escapeAttr(f.name)}" value="${escapeAttr(f.value)}">`)
        .join("\n");
      const page = `<html><body><p>Hi</p><form action="${escapeAttr(action)}" method="${post ? "post" : "get"}">${inputs}</form></body></html>`;
      const [form, ...rest] = parseForms(page, PAGE);
      if (form === undefined || rest.length > 0) fail("expected exactly one form");
      if (form.action !== new URL(action).href) fail(`action ${form.action} != ${action}`);
      if (form.method !== (post ? "POST" : "GET")) fail(`method ${form.method}`);
      if (form.inputs.length !== fields.length) fail(`${form.inputs.length} inputs of ${fields.length}`);
      fields.forEach((f, i) => {
        const got = form.inputs[i];
        if (got?.name !== f.name || got.value !== f.value || got.type !== f.type)
          fail(`input ${i}: ${JSON.stringify(got)} != ${JSON.stringify(f)}`);
      });
    },
  }),
  target({
    name: "page moves: any page",
    arbitrary: html,
    allowed: [],
    check(page) {
      checkMoves(findPageMoves(page, PAGE));
    },
  }),
  target({
    name: "page moves: refresh and script round trip",
    arbitrary: fc.record({ url: webUrl, delay: fc.nat({ max: 100_000 }), script: fc.boolean() }),
    allowed: [],
    check({ url, delay, script }) {
      const page = script
        ? `<script>window.location.href = ${JSON.stringify(url)};</script>`
        : `<meta http-equiv="refresh" content="${delay}; url=${escapeAttr(url)}">`;
      const moves = findPageMoves(page, PAGE);
      checkMoves(moves);
      const m = moves[0];
      if (moves.length !== 1 || m === undefined) fail(`${moves.length} moves`);
      const want = new URL(url);
      want.hash = "";
      if (m.url !== want.href) fail(`url ${m.url} != ${url} (without its fragment)`);
      if (m.kind !== (script ? "script" : "meta-refresh")) fail(`kind ${m.kind}`);
      if (!script && m.delaySeconds !== delay) fail(`delay ${m.delaySeconds} != ${delay}`);
    },
  }),
  target({
    name: "terms page: read and choose",
    arbitrary: html,
    allowed: [],
    check(page) {
      const read = readTermsPage(page, PAGE);
      if (read.forms.length > MAX_FORMS || read.links.length > MAX_LINKS) fail("caps not applied");
      if (read.counts.forms < read.forms.length || read.counts.links < read.links.length)
        fail("counts too low");
      for (const l of read.links) {
        if (l.url !== undefined && !isHttpUrl(l.url)) fail(`link to ${l.url}`);
        if (l.label.length > MAX_LABEL_CHARS) fail("label not clipped");
      }
      for (const f of read.forms) {
        if (f.buttons.length > MAX_BUTTONS_PER_FORM) fail(`${f.buttons.length} buttons kept`);
        for (const b of f.buttons) if (b.label.length > MAX_LABEL_CHARS) fail("button label not clipped");
      }
      checkMoves([...read.moves]);
      const choice = chooseTermsAction(read);
      if (choice.found && choice.action.kind !== "submit" && !isHttpUrl(choice.action.url))
        fail(`chose ${choice.action.kind} to ${choice.action.url}`);
    },
  }),
  target({
    name: "terms page: onclick scripts",
    arbitrary: fc.record({
      code: soup(
        HTML_TOKENS.filter((t) => !t.startsWith("<")),
        30,
      ),
      scripts: soup(HTML_TOKENS, 20),
    }),
    allowed: [],
    check({ code, scripts }) {
      const plan = planScript(code, scripts);
      if (typeof plan.ok !== "boolean") fail("plan without a verdict");
    },
  }),
];
