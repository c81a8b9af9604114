import { errorParagraph, html, page, redirect } from "../../html.ts";
import type { PortalRequest, ScenarioEnv } from "../../types.ts";
import { attr, onward, type Shape, welcomeRoute } from "./shared.ts";

/**
 * Intercepts that answer 200 and move the visitor on without a redirect status, and a
 * button that only script can press.
 *
 * `meta-refresh`: MikroTik HotSpot's redirect.html (and many controllers' intercepts): a
 * 200 page whose `<meta http-equiv="refresh" content="0; url=…">` sends you to the login
 * page with the original URL in `dst`; the login page is a terms form with a checkbox and
 * hidden `dst` and `popup` fields.
 *
 * `script-redirect`: a 200 page whose only content is a script,
 * `window.location.replace("…")`, as gateways serve for clients that ignore meta refresh.
 *
 * `onclick`: Cisco WLC web-passthrough (internal page, "Web Passthrough"): the intercept
 * redirects to the controller's `login.html?redirect=<original URL>`, whose form
 * posts hidden `buttonClicked`, `redirect_url` and `err_flag`; its Accept control is
 * `type="button"` whose `onclick="submitAction();"` sets `buttonClicked` to 4 and submits.
 * The controller lets the client through only for buttonClicked 4. `inline: true` puts
 * the same statements in the onclick attribute itself.
 */

function intercept(env: ScenarioEnv, path: string, how: "meta" | "script") {
  return (req: PortalRequest) => {
    const target = `${env.baseUrl}${path}?${new URLSearchParams({ dst: req.url, popup: "true" })}`;
    const body =
      how === "meta"
        ? page("hotspot > redirect", `  <p>Redirecting to the login page…</p>`).replace(
            "<head>",
            `<head>\n  <meta http-equiv="refresh" content="0; url=${attr(target)}">`,
          )
        : `<html><head><script>window.location.replace(${JSON.stringify(target)});</script></head><body></body></html>`;
    return html(200, body);
  };
}

function mikrotikLogin(title: string, dst: string, error?: string): string {
  return page(
    `${title} > login`,
    `  <h1>${attr(title)}</h1>
${errorParagraph(error)}  <form name="login" action="/login" method="post">
    <input type="hidden" name="dst" value="${attr(dst)}">
    <input type="hidden" name="popup" value="true">
    <p><label><input type="checkbox" name="agree" value="yes"> I agree to the terms of use</label></p>
    <p><input type="submit" value="Free access"></p>
  </form>`,
  );
}

export function movesShape(title: string, how: "meta" | "script"): Shape {
  return {
    loginPath: "/login",
    routes: (env) => ({
      intercept: intercept(env, "/login", how),
      routes: [
        {
          method: "GET",
          path: "/login",
          handle: (req) => html(200, mikrotikLogin(title, req.query.get("dst") ?? "")),
        },
        {
          method: "POST",
          path: "/login",
          handle: (req) => {
            if (req.form.get("agree") !== "yes")
              return html(200, mikrotikLogin(title, req.form.get("dst") ?? "", "Please accept the terms."));
            env.authorize(req.client);
            return onward(env, req.form.get("dst"));
          },
        },
        welcomeRoute,
      ],
    }),
  };
}

const WLC_SCRIPT = `
function submitAction() {
  document.forms[0].buttonClicked.value = 4;
  document.forms[0].submit();
}`;

function wlcPage(title: string, redirectUrl: string, inline: boolean, error?: string): string {
  const onclick = inline
    ? "document.forms['webauth'].elements['buttonClicked'].value = '4'; document.forms['webauth'].submit();"
    : "submitAction();";
  return page(
    "Web Authentication",
    `  <script>${inline ? "" : WLC_SCRIPT}</script>
  <h1>${attr(title)}</h1>
${errorParagraph(error)}  <form name="webauth" method="post" action="/login.html">
    <input type="hidden" name="buttonClicked" size="16" maxlength="15" value="0">
    <input type="hidden" name="redirect_url" size="255" maxlength="255" value="${attr(redirectUrl)}">
    <input type="hidden" name="err_flag" size="16" maxlength="15" value="0">
    <p>Welcome to the guest network. Acceptable use policy: be nice.</p>
    <input type="button" name="Submit" value="Accept" class="button" onclick="${attr(onclick)}">
  </form>`,
  );
}

export function onclickShape(title: string, inline: boolean): Shape {
  return {
    loginPath: "/login.html",
    routes: (env) => ({
      // The controller answers an intercepted request with a redirect to its own login page.
      intercept: (req) => redirect(`${env.baseUrl}/login.html?${new URLSearchParams({ redirect: req.url })}`),
      routes: [
        {
          method: "GET",
          path: "/login.html",
          handle: (req) => html(200, wlcPage(title, req.query.get("redirect") ?? "", inline)),
        },
        {
          method: "POST",
          path: "/login.html",
          handle: (req) => {
            if (req.form.get("buttonClicked") !== "4")
              return html(
                200,
                wlcPage(title, req.form.get("redirect_url") ?? "", inline, "Please press Accept."),
              );
            env.authorize(req.client);
            const to = req.form.get("redirect_url") ?? "";
            return html(
              200,
              page(
                "Logged in",
                `  <h1>Login Successful</h1>\n  <p>You can now use all regular network services.</p>\n  <p><a href="${attr(to)}">Go to ${attr(to)}</a></p>`,
              ),
            );
          },
        },
        welcomeRoute,
      ],
    }),
  };
}
