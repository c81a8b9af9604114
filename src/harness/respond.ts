import type http from "node:http";
import type { PortalResponse } from "./types.ts";

/**
 * Writing a scenario's answer to the wire: a buffered body, a streamed one (with
 * back-pressure, so the hostile 50 MB page never sits in memory), or no answer at all
 * (a dropped connection). Resolves with the number of body bytes sent.
 */
export function sendResponse(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  reply: PortalResponse,
): Promise<number> {
  if (reply.drop) {
    // Reset rather than a polite FIN: what a crashing gateway or a NAT timeout looks like.
    req.socket.resetAndDestroy();
    return Promise.resolve(0);
  }
  const noBody = reply.status === 204 || reply.status === 304 || req.method === "HEAD";
  if (reply.stream) {
    const { stream } = reply;
    res.writeHead(reply.status, { ...reply.headers, "content-length": String(stream.length) });
    if (noBody) {
      res.end();
      return Promise.resolve(0);
    }
    return new Promise((resolve) => {
      const source = stream.open();
      let sent = 0;
      source.on("data", (chunk: Buffer) => {
        sent += chunk.length;
      });
      const done = () => resolve(sent);
      // A client that hangs up early (a capped reader) must not leave the source running.
      res.once("close", () => {
        source.destroy();
        done();
      });
      source.once("error", () => res.destroy());
      source.pipe(res);
    });
  }
  const body =
    typeof reply.body === "string" ? Buffer.from(reply.body, "utf8") : Buffer.from(reply.body ?? []);
  res.writeHead(reply.status, { ...reply.headers, "content-length": String(noBody ? 0 : body.length) });
  res.end(noBody ? undefined : body);
  return Promise.resolve(noBody ? 0 : body.length);
}
