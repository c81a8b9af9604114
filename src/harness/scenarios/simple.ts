import { z } from "zod";
import { defineBehaviour } from "../fixture-schema.ts";

/**
 * The two networks without a login. `not-captive`: every probe gets its real answer (a
 * home or office network; also what a portal looks like once it has let you through).
 * `broken-proxy`: every HTTP request gets 200 with an empty body, which is what a
 * misconfigured transparent proxy or a half-dead gateway does; Android classifies it as
 * "not a portal" (Content-Length ≤ 4) and so must we, or we would try to log in forever.
 */

export const notCaptiveBehaviour = defineBehaviour({
  params: z.object({}).strict(),
  build: () => ({ loginPath: "/", open: true, routes: () => ({ routes: [] }) }),
});

export const brokenProxyBehaviour = defineBehaviour({
  params: z
    .object({
      /** Body of every answer: empty by default; Android still calls ≤ 4 bytes a broken proxy. */
      body: z.string().max(4).default(""),
    })
    .strict(),
  build: (p) => {
    const answer = () => ({
      status: 200,
      headers: { "content-type": "text/html", "cache-control": "no-store" },
      body: p.body,
    });
    return {
      loginPath: "/",
      routes: () => ({
        routes: [{ method: "*", path: "/", handle: answer }],
        intercept: answer,
        online: answer,
      }),
    };
  },
});
