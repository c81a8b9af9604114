import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  findPageMoves,
  MAX_MOVES,
  MAX_SCAN_CHARS,
  parseRefresh,
  scriptTargets,
} from "../../../src/auth/page-moves.ts";

const PAGE = "http://gw.test/portal/intercept.html?x=1#frag";

const urls = (html: string, base = PAGE): string[] => findPageMoves(html, base).map((m) => m.url);

describe("findPageMoves: meta refresh", () => {
  test("reads the common spellings of a refresh", () => {
    const spellings = [
      `<meta http-equiv="refresh" content="0; url=http://login.test/a">`,
      `<META HTTP-EQUIV="Refresh" CONTENT="0;URL=http://login.test/a">`,
      `<meta http-equiv=refresh content="0;url='http://login.test/a'">`,
      `<meta content='0; URL="http://login.test/a"' http-equiv='REFRESH'>`,
      `<meta http-equiv="refresh" content="0,url=http://login.test/a">`,
      `<meta http-equiv="refresh" content="  0 URL = http://login.test/a ">`,
      `<meta http-equiv=" refresh " content="0.5; url=http://login.test/a">`,
      `<meta http-equiv="refresh" content="0; http://login.test/a">`,
    ];
    for (const html of spellings) assert.deepEqual(urls(html), ["http://login.test/a"], html);
  });

  test("keeps the delay and decodes entities in the URL", () => {
    const moves = findPageMoves(`<meta http-equiv="refresh" content="5; url=/login?a=1&amp;b=2">`, PAGE);
    assert.deepEqual(moves, [{ kind: "meta-refresh", url: "http://gw.test/login?a=1&b=2", delaySeconds: 5 }]);
  });

  test("a refresh without a URL reloads the page itself, without its fragment", () => {
    assert.deepEqual(findPageMoves(`<meta http-equiv="refresh" content="30">`, PAGE), [
      { kind: "meta-refresh", url: "http://gw.test/portal/intercept.html?x=1", delaySeconds: 30 },
    ]);
  });

  test("relative targets resolve against <base href>", () => {
    const html = `<head><base href="https://auth.test/sub/"><meta http-equiv="refresh" content="0;url=login.php"></head>`;
    assert.deepEqual(urls(html), ["https://auth.test/sub/login.php"]);
  });

  test("ignores refreshes a browser ignores, and non-http schemes", () => {
    const html = [
      `<meta http-equiv="refresh" content="url=http://no-delay.test/">`,
      `<meta http-equiv="refresh" content="">`,
      `<meta http-equiv="content-type" content="0; url=http://not-refresh.test/">`,
      `<meta name="refresh" content="0; url=http://name-not-equiv.test/">`,
      `<meta http-equiv="refresh" content="0; url=javascript:alert(1)">`,
      `<meta http-equiv="refresh" content="0; url=data:text/html,hi">`,
      `<meta http-equiv="refresh" content="0; url=http://[bad">`,
      `<meta http-equiv="refresh" content="99999999999999999999; url=http://huge.test/">`,
    ].join("\n");
    assert.deepEqual(urls(html), []);
  });

  test("parseRefresh follows the standard's steps", () => {
    assert.deepEqual(parseRefresh("3"), { delaySeconds: 3, target: undefined });
    assert.deepEqual(parseRefresh(".5;url=x"), { delaySeconds: 0, target: "x" });
    assert.deepEqual(parseRefresh(`0; url="a b"c`), { delaySeconds: 0, target: "a b" });
    assert.equal(parseRefresh("soon"), undefined);
  });
});

describe("findPageMoves: scripts", () => {
  test("reads each kind of location assignment", () => {
    const cases: [string, string][] = [
      [`location = "http://s.test/1";`, "http://s.test/1"],
      [`location.href = '/2'`, "http://gw.test/2"],
      [`window.location = "3.html";`, "http://gw.test/portal/3.html"],
      [`window.location.href="http://s.test/4"`, "http://s.test/4"],
      [`location.replace("http://s.test/5");`, "http://s.test/5"],
      [`window.location.replace( 'http://s.test/6' )`, "http://s.test/6"],
      [`location.assign("http://s.test/7")`, "http://s.test/7"],
      [`document.location.href = "http://s.test/8";`, "http://s.test/8"],
      [`top.location = "http://s.test/9";`, "http://s.test/9"],
      [`window.top.location.href = "http://s.test/10"`, "http://s.test/10"],
      [`if (x) { self.location.replace("http://s.test/11") }`, "http://s.test/11"],
    ];
    for (const [code, want] of cases) {
      assert.deepEqual(
        findPageMoves(`<script>${code}</script>`, PAGE),
        [{ kind: "script", url: want }],
        code,
      );
    }
  });

  test("decodes JavaScript escapes in the literal", () => {
    assert.deepEqual(scriptTargets(String.raw`location.href = "http:\/\/s.test\/a\x3Fb=\u0031";`), [
      "http://s.test/a?b=1",
    ]);
  });

  test("skips targets built at run time, comparisons, other objects and comments", () => {
    const code = [
      `location.href = "/login?u=" + encodeURIComponent(document.URL);`,
      `if (location.href == "http://cmp.test/") {}`,
      `mylocation = "http://other.test/";`,
      `obj.location = "http://prop.test/";`,
      `var u = \`http://tpl.test/\`; location = u;`,
      `// location.href = "http://line-comment.test/";`,
      `/* location.replace("http://block-comment.test/") */`,
      `location.href = "http://kept.test/"; // "quoted" comment`,
    ].join("\n");
    assert.deepEqual(scriptTargets(code), ["http://kept.test/"]);
  });

  test("ignores external scripts, non-JavaScript script types and javascript: targets", () => {
    const html = [
      `<script src="x.js">location = "http://src.test/";</script>`,
      `<script type="text/template">location = "http://tpl.test/";</script>`,
      `<script type="application/ld+json">{"location": "x"}</script>`,
      `<script>location = "javascript:void(0)";</script>`,
      `<script type="text/javascript">location = "http://js.test/";</script>`,
    ].join("");
    assert.deepEqual(urls(html), ["http://js.test/"]);
  });

  test("reads a body onload handler", () => {
    assert.deepEqual(urls(`<body onload="window.location.href='/welcome'">`), ["http://gw.test/welcome"]);
  });

  test("returns meta and script moves in document order, each once", () => {
    const html = `<script>location.replace("http://a.test/")</script>
      <meta http-equiv="refresh" content="2;url=http://b.test/">
      <script>location.replace("http://a.test/")</script>`;
    assert.deepEqual(findPageMoves(html, PAGE), [
      { kind: "script", url: "http://a.test/" },
      { kind: "meta-refresh", url: "http://b.test/", delaySeconds: 2 },
    ]);
  });
});

describe("findPageMoves: bad input", () => {
  test("an invalid base URL gives no moves", () => {
    assert.deepEqual(findPageMoves(`<meta http-equiv="refresh" content="0;url=/x">`, "not a url"), []);
  });

  test("caps the number of results on a page with hundreds of moves", () => {
    const html = Array.from(
      { length: 500 },
      (_, i) => `<meta http-equiv="refresh" content="0;url=/p${i}">`,
    ).join("");
    const moves = findPageMoves(html, PAGE);
    assert.equal(moves.length, MAX_MOVES);
    assert.equal(moves[0]?.url, "http://gw.test/p0");
  });

  test("reads only the first MAX_SCAN_CHARS of a huge page", () => {
    const html = `${" ".repeat(MAX_SCAN_CHARS)}<meta http-equiv="refresh" content="0;url=/late">`;
    assert.deepEqual(urls(html), []);
    assert.deepEqual(urls(`<meta http-equiv="refresh" content="0;url=/early">${html}`), [
      "http://gw.test/early",
    ]);
  });

  test("a huge unterminated script or string literal is handled without results", () => {
    const html = `<script>location.href = "${"a".repeat(2_000_000)}`;
    assert.deepEqual(urls(html), []);
  });

  test("garbage and unbalanced markup give no moves and no error", () => {
    assert.deepEqual(urls(`<meta http-equiv="refresh" content="0;url=`), []);
    assert.deepEqual(urls(`<<<>>><script><!--</script>"'`), []);
  });
});
