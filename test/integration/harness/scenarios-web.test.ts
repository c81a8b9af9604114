import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createFormHelper } from "../../../src/auth/forms.ts";
import { createHttpClient } from "../../../src/auth/http-client.ts";
import { probe } from "../../../src/auth/probe.ts";
import { jsProof } from "../../../src/harness/index.ts";
import { withPortal } from "./helpers.ts";

const account = { username: "ann", password: "pw-0123456789" };

describe("not-captive and broken-proxy", () => {
  test("not-captive answers every probe as the internet does, without any login", () =>
    withPortal({ scenario: "not-captive" }, async (portal) => {
      const http = createHttpClient();
      assert.equal((await http.get(portal.probeUrl)).status, 204);
      assert.match((await http.get(`${portal.url}/hotspot-detect.html`)).body, /Success/);
      assert.equal((await probe(portal.probeUrl)).verdict, "online");
      assert.equal(portal.authorized(), false);
    }));

  test("broken-proxy answers 200 with an empty body, which the probe calls a broken proxy", () =>
    withPortal({ scenario: "broken-proxy" }, async (portal) => {
      const res = await createHttpClient().get(portal.probeUrl);
      assert.equal(res.status, 200);
      assert.equal(res.body, "");
      assert.equal(res.headers["content-length"], "0");
      const verdict = await probe(portal.probeUrl);
      assert.deepEqual([verdict.verdict, verdict.reason], ["unreachable", "broken proxy"]);
    }));
});

describe("form-login", () => {
  test("the whole flow: probe, cookie-check bounce, login form, ticket redirect, welcome page", () =>
    withPortal({ scenario: "form-login", credentials: account }, async (portal) => {
      const http = createHttpClient();
      const forms = createFormHelper(http);
      const { page, forms: found } = await forms.load(`${portal.url}/login`);
      assert.deepEqual(page.redirects, [`${portal.url}/login`, `${portal.url}/portal/?next=%2Flogin`]);
      const form = found[0];
      assert.ok(form);
      assert.deepEqual(
        form.inputs.map((i) => `${i.type}:${i.name}`),
        ["hidden:csrf", "text:username", "password:password", "checkbox:remember", "submit:login"],
      );
      const res = await forms.submit(form, account);
      assert.equal(res.url, `${portal.url}/welcome`);
      assert.equal(res.redirects.length, 2);
      assert.match(res.redirects[1] ?? "", /\/login\/authorize\?ticket=/);
      assert.equal(portal.authorized(), true);
      assert.equal((await probe(portal.probeUrl)).verdict, "online");
    }));

  test("a replayed authorisation ticket is refused", () =>
    withPortal({ scenario: "form-login", credentials: account }, async (portal) => {
      const http = createHttpClient();
      const forms = createFormHelper(http);
      const form = (await forms.load(`${portal.url}/login`)).forms[0];
      assert.ok(form);
      const res = await forms.submit(form, account);
      const ticketUrl = res.redirects[1] ?? "";
      portal.deauthorize();
      assert.equal((await http.get(ticketUrl)).status, 403);
      assert.equal(portal.authorized(), false);
    }));

  test("the direct variant sets the cookie on the login page itself and authorises on the POST", () =>
    withPortal({ scenario: "form-login:direct", credentials: account }, async (portal) => {
      const http = createHttpClient();
      const forms = createFormHelper(http);
      const detected = await probe(portal.probeUrl);
      assert.equal(detected.loginUrl, `${portal.url}/login`);
      const { page, forms: found } = await forms.load(`${portal.url}/login`);
      assert.deepEqual([page.status, page.redirects], [200, []]);
      assert.match(page.headers["set-cookie"] ?? "", /^PORTALSESSID=/);
      const form = found[0];
      assert.ok(form);
      assert.ok(form.inputs.some((i) => i.type === "hidden" && i.name === "csrf" && i.value !== ""));
      const res = await forms.submit(form, account, { followRedirects: false });
      assert.deepEqual([res.status, res.headers.location], [302, `${portal.url}/welcome`]);
      assert.equal(portal.authorized(), true);
      assert.deepEqual(
        portal.log.map((e) => `${e.method} ${e.path}`),
        ["GET /generate_204", "GET /login", "POST /login"],
      );
    }));

  test("the direct variant answers a wrong password with the form and its error, and lets nobody in", () =>
    withPortal({ scenario: "form-login:direct", credentials: account }, async (portal) => {
      const forms = createFormHelper(createHttpClient());
      const form = (await forms.load(`${portal.url}/login`)).forms[0];
      assert.ok(form);
      const res = await forms.submit(form, { ...account, password: "nope" }, { followRedirects: false });
      assert.equal(res.status, 200);
      assert.match(res.body, /Invalid username or password/);
      assert.equal(portal.authorized(), false);
    }));

  test("the direct variant refuses a POST without the session cookie", () =>
    withPortal({ scenario: "form-login:direct", credentials: account }, async (portal) => {
      const form = (await createFormHelper(createHttpClient()).load(`${portal.url}/login`)).forms[0];
      assert.ok(form);
      const res = await createFormHelper(createHttpClient()).submit(form, account);
      assert.equal(res.status, 403);
      assert.equal(portal.authorized(), false);
    }));

  test("the two-step variant asks for the username first and the password on a second page", () =>
    withPortal({ scenario: "form-login:two-step", credentials: account }, async (portal) => {
      const forms = createFormHelper(createHttpClient());
      const first = (await forms.load(`${portal.url}/login`)).forms[0];
      assert.ok(first);
      assert.deepEqual(
        first.inputs.filter((i) => i.type !== "hidden" && i.type !== "checkbox").map((i) => i.name),
        ["username", "login"],
      );
      const second = await forms.submit(first, { username: account.username });
      assert.equal(second.url, `${portal.url}/login/password`);
      const passwordForm = forms.parse(second.body, second.url)[0];
      assert.ok(passwordForm);
      assert.ok(passwordForm.inputs.some((i) => i.type === "password"));
      assert.ok(!passwordForm.inputs.some((i) => i.name === "username"));
      const done = await forms.submit(passwordForm, { password: account.password });
      assert.equal(done.url, `${portal.url}/welcome`);
      assert.equal(portal.authorized(), true);
    }));

  test("the two-step variant shows the error and starts over on a wrong password", () =>
    withPortal({ scenario: "form-login:two-step", credentials: account }, async (portal) => {
      const forms = createFormHelper(createHttpClient());
      const first = (await forms.load(`${portal.url}/login`)).forms[0];
      assert.ok(first);
      const second = await forms.submit(first, { username: account.username });
      const passwordForm = forms.parse(second.body, second.url)[0];
      assert.ok(passwordForm);
      const wrong = await forms.submit(passwordForm, { password: "nope" });
      assert.match(wrong.body, /Invalid username or password/);
      assert.ok(!forms.parse(wrong.body, wrong.url)[0]?.inputs.some((i) => i.type === "password"));
      assert.equal(portal.authorized(), false);
    }));
});

describe("js-only", () => {
  test("the page has no form to post, only a script that builds one and calls fetch", () =>
    withPortal({ scenario: "js-only", credentials: account }, async (portal) => {
      const forms = createFormHelper(createHttpClient());
      const detected = await probe(portal.probeUrl);
      assert.equal(detected.loginUrl, `${portal.url}/app/login`);
      const { page, forms: found } = await forms.load(detected.loginUrl ?? "");
      assert.deepEqual(found, []);
      assert.match(page.body, /document\.createElement\("form"\)/);
      assert.match(page.body, /fetch\("\/app\/api\/session"/);
      assert.match(page.body, /<noscript>This portal needs JavaScript\.<\/noscript>/);
    }));

  test("the JSON API logs in only with the session cookie, the nonce header and the script's proof", () =>
    withPortal({ scenario: "js-only", credentials: account }, async (portal) => {
      const http = createHttpClient();
      const page = await http.get(`${portal.url}/app/login`);
      const nonce = /var nonce = "([^"]+)"/.exec(page.body)?.[1] ?? "";
      const post = (headers: Record<string, string>, body: unknown) =>
        http.post(`${portal.url}/app/api/session`, JSON.stringify(body), {
          headers: { "content-type": "application/json", ...headers },
        });
      const good = { user: account.username, pass: account.password, proof: jsProof(nonce) };
      assert.equal((await post({}, good)).status, 403);
      assert.equal((await post({ "x-portal-nonce": nonce }, { ...good, proof: "x" })).status, 400);
      const wrong = await post({ "x-portal-nonce": nonce }, { ...good, pass: "nope" });
      assert.deepEqual(JSON.parse(wrong.body), { ok: false, error: "Invalid username or password." });
      assert.equal(portal.authorized(), false);
      const ok = await post({ "x-portal-nonce": nonce }, good);
      assert.deepEqual(JSON.parse(ok.body), { ok: true, next: `${portal.url}/app/welcome` });
      assert.equal(portal.authorized(), true);
      assert.ok(
        portal.receivedCredentials.some(
          (c) => c.password === account.password && c.path === "/app/api/session",
        ),
      );
    }));
});
