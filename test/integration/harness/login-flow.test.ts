import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createFormHelper } from "../../../src/auth/forms.ts";
import { createHttpClient } from "../../../src/auth/http-client.ts";
import { probe } from "../../../src/auth/probe.ts";
import { verifyOnline } from "../../../src/auth/verify.ts";
import { isHotspotError } from "../../../src/errors.ts";
import { type Portal, withPortal } from "../../../src/harness/index.ts";

const credentials = { username: "ann", password: "s3cret & more" };

function pluginClient(portal: Portal, creds: unknown = credentials) {
  const http = createHttpClient({
    credentials: creds,
    portalHosts: [{ host: new URL(portal.url).hostname, allowHttp: true }],
    pluginId: "test-plugin",
  });
  return { http, forms: createFormHelper(http) };
}

async function loginPage(portal: Portal, forms: ReturnType<typeof createFormHelper>) {
  const detected = await probe(portal.probeUrl);
  assert.equal(detected.verdict, "portal");
  assert.ok(detected.loginUrl);
  const { page, forms: found } = await forms.load(detected.loginUrl);
  const form = found[0];
  assert.ok(form, `a form on ${page.url}`);
  return { page, form };
}

describe("form-login scenario driven by the form helper", () => {
  test("correct credentials log in, land on the welcome page, and the probe says online", () =>
    withPortal({ scenario: "form-login", credentials }, async (portal) => {
      const { forms } = pluginClient(portal);
      const { form } = await loginPage(portal, forms);
      const res = await forms.submit(form, {
        username: credentials.username,
        password: credentials.password,
      });
      assert.equal(res.status, 200);
      assert.equal(res.url, `${portal.url}/welcome`);
      assert.match(res.body, /You're online/);
      assert.equal(portal.authorized(), true);
      assert.equal((await verifyOnline(portal.probeUrl, { attempts: 1 })).online, true);
    }));

  test("wrong credentials get the error page and stay captive", () =>
    withPortal({ scenario: "form-login", credentials }, async (portal) => {
      const { forms } = pluginClient(portal, { username: "ann", password: "wrong" });
      const { form } = await loginPage(portal, forms);
      const res = await forms.submit(form, { username: "ann", password: "wrong" });
      assert.equal(res.status, 200);
      assert.match(res.body, /Invalid username or password/);
      assert.equal(portal.authorized(), false);
      assert.equal((await probe(portal.probeUrl)).verdict, "portal");
    }));

  test("a POST without the session cookie is forbidden", () =>
    withPortal({ scenario: "form-login", credentials }, async (portal) => {
      const { forms } = pluginClient(portal);
      const { form } = await loginPage(portal, forms);
      const stranger = createFormHelper(
        createHttpClient({ credentials, portalHosts: [{ host: "127.0.0.1", allowHttp: true }] }),
      );
      const res = await stranger.submit(form, {
        username: credentials.username,
        password: credentials.password,
      });
      assert.equal(res.status, 403);
      assert.equal(portal.authorized(), false);
    }));

  test("a POST with a wrong CSRF token is forbidden", () =>
    withPortal({ scenario: "form-login", credentials }, async (portal) => {
      const { forms } = pluginClient(portal);
      const { form } = await loginPage(portal, forms);
      const res = await forms.submit(form, { ...credentials, csrf: "forged" });
      assert.equal(res.status, 403);
      assert.equal(portal.authorized(), false);
    }));

  test("the credential guard keeps the password from a portal host the plugin did not declare", () =>
    withPortal({ scenario: "form-login", credentials }, async (portal) => {
      const http = createHttpClient({ credentials, portalHosts: [{ host: "login.operator.example" }] });
      const forms = createFormHelper(http);
      const { form } = await loginPage(portal, forms);
      await assert.rejects(forms.submit(form, credentials), (e) =>
        isHotspotError(e, "HH_CREDENTIAL_HOST_REFUSED"),
      );
      assert.deepEqual(portal.receivedCredentials, []);
      assert.equal(portal.log.filter((r) => r.method === "POST").length, 0);
    }));
});

describe("click-through scenario driven by the form helper", () => {
  test("ticking the terms box logs in and the probe says online", () =>
    withPortal({ scenario: "click-through" }, async (portal) => {
      const { forms } = pluginClient(portal, undefined);
      const { form } = await loginPage(portal, forms);
      const res = await forms.submit(form, { accept_terms: "yes" });
      assert.equal(res.url, `${portal.url}/online`);
      assert.match(res.body, /You're online/);
      assert.equal((await verifyOnline(portal.probeUrl, { attempts: 1 })).online, true);
    }));

  test("submitting without the box shows the terms again with an error and stays captive", () =>
    withPortal({ scenario: "click-through" }, async (portal) => {
      const { forms } = pluginClient(portal, undefined);
      const { form } = await loginPage(portal, forms);
      const res = await forms.submit(form);
      assert.equal(res.status, 200);
      assert.match(res.body, /must accept the terms/);
      assert.equal(forms.parse(res.body, res.url)[0]?.action, `${portal.url}/terms/accept`);
      assert.equal((await probe(portal.probeUrl)).verdict, "portal");
    }));
});
