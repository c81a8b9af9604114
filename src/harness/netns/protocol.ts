import { z } from "zod";

/**
 * The JSON lines between the harness and the portal process it runs inside the access-point
 * namespace (Node cannot enter a network namespace itself, so the simulator runs as a child
 * under `ip netns exec`). Both directions are validated: nothing crosses as a cast.
 */

export const portalConfigSchema = z
  .object({
    scenario: z.string().min(1),
    params: z.record(z.string(), z.unknown()).optional(),
    latencyMs: z.number().int().nonnegative().optional(),
    credentials: z.object({ username: z.string(), password: z.string() }).strict().optional(),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    httpsPort: z.number().int().min(1).max(65535),
    certFile: z.string().min(1),
    keyFile: z.string().min(1),
    /** Where "the internet" answers (reachable only through the garden). */
    internetHost: z.string().min(1),
    hostAliases: z.array(z.string()).default([]),
    /** Update the nftables set on every garden change. */
    nftables: z.boolean(),
  })
  .strict();
export type PortalProcessConfig = z.infer<typeof portalConfigSchema>;

export const portalCommandSchema = z.discriminatedUnion("cmd", [
  z.object({ cmd: z.literal("authorize"), client: z.string() }).strict(),
  z.object({ cmd: z.literal("deauthorize"), client: z.string() }).strict(),
  z.object({ cmd: z.literal("reset") }).strict(),
]);
export type PortalCommand = z.infer<typeof portalCommandSchema>;

const logEntrySchema = z
  .object({
    method: z.string(),
    path: z.string(),
    url: z.string(),
    host: z.string(),
    tls: z.boolean(),
    status: z.number(),
    atMs: z.number(),
    durationMs: z.number(),
    connectionId: z.number(),
    client: z.string(),
    authorized: z.boolean(),
  })
  .strict();

export const portalEventSchema = z.discriminatedUnion("type", [
  z
    .object({
      type: z.literal("ready"),
      url: z.string(),
      probeUrl: z.string(),
      httpsUrl: z.string().optional(),
      apiUrl: z.string().optional(),
      credentials: z.object({ username: z.string(), password: z.string() }).strict(),
    })
    .strict(),
  z.object({ type: z.literal("request"), entry: logEntrySchema }).strict(),
  z
    .object({
      type: z.literal("credential"),
      credential: z
        .object({
          username: z.string().optional(),
          password: z.string().optional(),
          host: z.string(),
          path: z.string(),
        })
        .strict(),
    })
    .strict(),
  z.object({ type: z.literal("garden"), client: z.string(), authorized: z.boolean() }).strict(),
  z.object({ type: z.literal("error"), message: z.string() }).strict(),
]);
export type PortalEvent = z.infer<typeof portalEventSchema>;

/** Splits a stream's text into lines and hands each complete one to `onLine`. */
export function lineReader(onLine: (line: string) => void): (chunk: string) => void {
  let buffered = "";
  return (chunk) => {
    buffered += chunk;
    let nl = buffered.indexOf("\n");
    while (nl >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line !== "") onLine(line);
      nl = buffered.indexOf("\n");
    }
  };
}
