import type { PortalResponse } from "./types.ts";

/** Small builders for the simulator's pages and responses. */

export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** A complete HTML document as real portals serve them: doctype, charset, viewport, title. */
export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta http-equiv="cache-control" content="no-cache">
  <title>${escapeHtml(title)}</title>
  <style>body{font-family:sans-serif;max-width:30em;margin:2em auto}.error{color:#b00}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

export function html(
  status: number,
  body: string,
  headers: Readonly<Record<string, string | readonly string[]>> = {},
): PortalResponse {
  return {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", ...headers },
    body,
  };
}

export function redirect(
  location: string,
  status = 302,
  headers: Readonly<Record<string, string | readonly string[]>> = {},
): PortalResponse {
  return html(
    status,
    page(
      "Redirecting",
      `<p>Redirecting to <a href="${escapeHtml(location)}">${escapeHtml(location)}</a>.</p>`,
    ),
    {
      ...headers,
      location,
    },
  );
}

/** A JSON answer (`application/json` unless another media type is given, e.g. application/captive+json). */
export function json(
  status: number,
  value: unknown,
  type = "application/json",
  headers: Readonly<Record<string, string | readonly string[]>> = {},
): PortalResponse {
  return {
    status,
    headers: { "content-type": type, "cache-control": "no-store", ...headers },
    body: JSON.stringify(value),
  };
}

/** The "please log in" error paragraph shared by the login pages. */
export function errorParagraph(error: string | undefined): string {
  return error === undefined ? "" : `  <p class="error" role="alert">${escapeHtml(error)}</p>\n`;
}
