import { readFile } from "node:fs/promises";
import http from "node:http";
import { reasonOf } from "../../errors.ts";
import { internetAnswer } from "../internet.ts";
import { startPortal } from "../portal-server.ts";
import { normalizeClient } from "../request.ts";
import { sendResponse } from "../respond.ts";
import { setGardenMember } from "./nftables.ts";
import { lineReader, type PortalEvent, portalCommandSchema, portalConfigSchema } from "./protocol.ts";

/**
 * The portal process of namespace mode, started by portal-process.ts with
 * `ip netns exec <ap> node --import tsx portal-main.ts`. It reads its config as the first
 * line on stdin, serves the scenario on the access point's address (HTTP 80, HTTPS 443),
 * answers as "the internet" on the internet address (which only clients in the nftables
 * set can reach), keeps that set in step with the portal's garden, and reports requests,
 * credentials and garden changes as JSON lines on stdout. It exits when stdin closes.
 */

const emit = (event: PortalEvent): void => void process.stdout.write(`${JSON.stringify(event)}\n`);

async function main(configLine: string): Promise<() => Promise<void>> {
  const config = portalConfigSchema.parse(JSON.parse(configLine));
  const tls = { cert: await readFile(config.certFile, "utf8"), key: await readFile(config.keyFile, "utf8") };
  let sentCredentials = 0;
  const portal = await startPortal({
    scenario: config.scenario,
    host: config.host,
    port: config.port,
    httpsPort: config.httpsPort,
    tls,
    hostAliases: config.hostAliases,
    ...(config.params === undefined ? {} : { params: config.params }),
    ...(config.latencyMs === undefined ? {} : { latencyMs: config.latencyMs }),
    ...(config.credentials === undefined ? {} : { credentials: config.credentials }),
    onGardenChange: async (client, authorized) => {
      if (config.nftables) await setGardenMember(client, authorized);
      emit({ type: "garden", client, authorized });
    },
    onRequest: (entry) => {
      emit({ type: "request", entry });
      const creds = portal.receivedCredentials;
      for (; sentCredentials < creds.length; sentCredentials++) {
        const credential = creds[sentCredentials];
        if (credential) emit({ type: "credential", credential });
      }
    },
  });
  const internet = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://internet.invalid");
    const reply = internetAnswer({
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: {},
      rawHeaderNames: req.rawHeaders.filter((_, i) => i % 2 === 0),
      cookies: new Map(),
      form: new URLSearchParams(),
      body: "",
      client: normalizeClient(req.socket.remoteAddress),
      host: req.headers.host ?? "",
      tls: false,
      url: url.href,
    });
    void sendResponse(req, res, reply);
  });
  await new Promise<void>((resolve, reject) => {
    internet.once("error", reject);
    internet.listen(80, config.internetHost, () => resolve());
  });
  emit({
    type: "ready",
    url: portal.url,
    probeUrl: portal.probeUrl,
    credentials: portal.credentials,
    ...(portal.httpsUrl === undefined ? {} : { httpsUrl: portal.httpsUrl }),
    ...(portal.apiUrl === undefined ? {} : { apiUrl: portal.apiUrl }),
  });
  const onCommand = (line: string) => {
    const parsed = portalCommandSchema.safeParse(JSON.parse(line));
    if (!parsed.success) return emit({ type: "error", message: `bad command: ${line}` });
    const c = parsed.data;
    if (c.cmd === "authorize") portal.authorize(c.client);
    else if (c.cmd === "deauthorize") portal.deauthorize(c.client);
    else portal.reset();
  };
  commandHandler = onCommand;
  return async () => {
    internet.close();
    internet.closeAllConnections();
    await portal.close();
  };
}

let commandHandler: ((line: string) => void) | undefined;
let stop: (() => Promise<void>) | undefined;
let started = false;
let stopping = false;

const shutdown = async (code: number) => {
  if (stopping) return;
  stopping = true;
  await stop?.().catch(() => {});
  process.exit(code);
};

process.stdin.setEncoding("utf8");
process.stdin.on(
  "data",
  lineReader((line) => {
    if (commandHandler) {
      try {
        commandHandler(line);
      } catch (e) {
        emit({ type: "error", message: reasonOf(e) });
      }
      return;
    }
    if (started) return;
    started = true;
    main(line).then(
      (s) => {
        stop = s;
        if (stopping) void s().finally(() => process.exit(0));
      },
      (e: unknown) => {
        emit({ type: "error", message: reasonOf(e) });
        void shutdown(1);
      },
    );
  }),
);
process.stdin.on("end", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
process.on("SIGINT", () => void shutdown(0));
