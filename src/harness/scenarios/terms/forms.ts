import { errorParagraph, html, page, redirect } from "../../html.ts";
import type { PortalRequest, ScenarioEnv } from "../../types.ts";
import {
  attr,
  cookieOf,
  interceptTo,
  onward,
  type Shape,
  sessionCookie,
  token,
  welcomeRoute,
} from "./shared.ts";

/**
 * Terms pages that are forms.
 *
 * `buttons`: FortiGate's captive-portal disclaimer page (a replacement message: a form
 * posting to the portal with the hidden `magic` token and `4Tredir`, and two buttons,
 * decline first). Here in French, as an administrator localises it: "Refuser" /
 * "Accepter et continuer". The magic must match the one issued with the page's cookie;
 * declining answers a "declined" page.
 *
 * `relative`: a pfSense captive portal zone without authentication: the form's action is
 * empty (it posts to the page's own URL, `?zone=guest` kept), hidden `zone` and
 * `redirurl`, and the `accept` submit button the portal requires.
 *
 * `two-step`: a guest portal that records the acceptance and then hands the client to the
 * controller with a second form (a hidden one-time guest ticket, "Continue"), as ClearPass /
 * Aruba and Ruckus external portals do (theirs post a generated guest login to the
 * controller); only the second post lets the client through.
 *
 * `decline-only`: a page whose only control says "Decline" (terms withdrawn, or a page
 * shown after the network closed). There is nothing to accept.
 */

export function buttonsShape(title: string): Shape {
  const magics = new Map<string, string>();
  const form = (req: PortalRequest, error?: string) => {
    const sid = token();
    const magic = token();
    magics.set(sid, magic);
    return html(
      200,
      page(
        `${title} - Conditions d'utilisation`,
        `  <h1>${attr(title)}</h1>
${errorParagraph(error)}  <form method="post" action="/fgtauth">
    <input type="hidden" name="4Tredir" value="${attr(req.query.get("redir") ?? "")}">
    <input type="hidden" name="magic" value="${magic}">
    <p>Veuillez lire et accepter les conditions d'utilisation.</p>
    <button type="submit" name="answer" value="0">Refuser</button>
    <button type="submit" name="answer" value="1">Accepter et continuer</button>
  </form>`,
      ),
      sessionCookie("FGTSID", sid),
    );
  };
  return {
    loginPath: "/fgtauth",
    routes: (env) => ({
      intercept: interceptTo(env, "/fgtauth", "redir"),
      routes: [
        { method: "GET", path: "/fgtauth", handle: (req) => form(req) },
        {
          method: "POST",
          path: "/fgtauth",
          handle: (req) => {
            const sid = cookieOf(req, "FGTSID");
            if (sid === undefined || magics.get(sid) !== req.form.get("magic"))
              return form(req, "Session expirée, veuillez réessayer.");
            magics.delete(sid);
            if (req.form.getAll("answer").join(",") !== "1")
              return html(
                200,
                page("Refusé", "  <h1>Accès refusé</h1>\n  <p>Vous avez refusé les conditions.</p>"),
              );
            env.authorize(req.client);
            return onward(env, req.form.get("4Tredir"));
          },
        },
        welcomeRoute,
      ],
    }),
  };
}

export function relativeShape(title: string): Shape {
  const termsPage = (req: PortalRequest, error?: string) =>
    html(
      200,
      page(
        title,
        `  <h1>${attr(title)}</h1>
${errorParagraph(error)}  <form method="post" action="">
    <input name="redirurl" type="hidden" value="${attr(req.query.get("redirurl") ?? req.form.get("redirurl") ?? "")}">
    <input name="zone" type="hidden" value="guest">
    <p>By clicking Continue you accept the acceptable use policy.</p>
    <input name="accept" type="submit" value="Continue">
  </form>`,
      ),
    );
  return {
    loginPath: "/index.php",
    routes: (env) => ({
      intercept: (req) =>
        redirect(`${env.baseUrl}/index.php?${new URLSearchParams({ zone: "guest", redirurl: req.url })}`),
      routes: [
        { method: "GET", path: "/index.php", handle: (req) => termsPage(req) },
        {
          method: "POST",
          path: "/index.php",
          handle: (req) => {
            // pfSense checks the zone in the query and the form, and that `accept` was pressed.
            if (
              req.query.get("zone") !== "guest" ||
              req.form.get("zone") !== "guest" ||
              !req.form.has("accept")
            )
              return termsPage(req, "Please press Continue.");
            env.authorize(req.client);
            return onward(env, req.form.get("redirurl"));
          },
        },
        welcomeRoute,
      ],
    }),
  };
}

export function twoStepShape(title: string): Shape {
  const accepted = new Map<string, string>();
  const termsPage = (req: PortalRequest, error?: string) =>
    html(
      200,
      page(
        title,
        `  <h1>${attr(title)}</h1>
${errorParagraph(error)}  <form method="post" action="accept">
    <input type="hidden" name="url" value="${attr(req.query.get("url") ?? "")}">
    <p><label><input type="checkbox" name="terms" value="1"> I accept the terms of use</label></p>
    <p><input type="submit" value="Register"></p>
  </form>`,
      ),
    );
  const handoff = (env: ScenarioEnv, guest: string, url: string) =>
    page(
      `${title} - almost there`,
      `  <h1>Thank you</h1>
  <p>Your registration is complete. Press Continue to log on to the network.</p>
  <form name="handoff" method="post" action="${env.baseUrl}/cgi-bin/login">
    <input type="hidden" name="guest" value="${guest}">
    <input type="hidden" name="ticket" value="${guest}">
    <input type="hidden" name="url" value="${attr(url)}">
    <input type="submit" value="Continue">
  </form>`,
    );
  return {
    loginPath: "/guest/terms",
    routes: (env) => ({
      intercept: interceptTo(env, "/guest/terms", "url"),
      routes: [
        { method: "GET", path: "/guest/terms", handle: (req) => termsPage(req) },
        {
          method: "POST",
          path: "/guest/accept",
          handle: (req) => {
            if (req.form.get("terms") !== "1") return termsPage(req, "You must accept the terms of use.");
            const guest = `guest-${token()}`;
            const sid = token();
            accepted.set(sid, guest);
            return html(200, handoff(env, guest, req.form.get("url") ?? ""), sessionCookie("guest_sid", sid));
          },
        },
        {
          method: "POST",
          path: "/cgi-bin/login",
          handle: (req) => {
            const sid = cookieOf(req, "guest_sid");
            const guest = sid === undefined ? undefined : accepted.get(sid);
            if (guest === undefined || req.form.get("guest") !== guest || req.form.get("ticket") !== guest)
              return html(403, page("Forbidden", "  <h1>Authentication failed</h1>"));
            accepted.delete(sid ?? "");
            env.authorize(req.client);
            return onward(env, req.form.get("url"));
          },
        },
        welcomeRoute,
      ],
    }),
  };
}

export function declineOnlyShape(title: string): Shape {
  return {
    loginPath: "/closed",
    routes: () => ({
      routes: [
        {
          method: "GET",
          path: "/closed",
          handle: () =>
            html(
              200,
              page(
                title,
                `  <h1>${attr(title)}</h1>
  <p>The free service is not available at the moment.</p>
  <form method="post" action="/closed"><button type="submit" name="answer" value="0">Decline</button></form>
  <p><a href="/closed">Cancel</a></p>`,
              ),
            ),
        },
        { method: "POST", path: "/closed", handle: () => redirect("/closed") },
      ],
    }),
  };
}
