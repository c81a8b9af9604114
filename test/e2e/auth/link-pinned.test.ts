import assert from "node:assert/strict";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { Lease } from "../../../src/harness/netns/dhcp-client.ts";
import {
  type NamespaceWorld,
  namespaceModeUnavailable,
  startNamespaceWorld,
} from "../../../src/harness/netns/world.ts";

const answer = z.object({
  bound: z.string().nullable(),
  linkDns: z.boolean(),
  info: z.object({
    verdict: z.string(),
    decidedBy: z.string().optional(),
    api: z.object({ captive: z.boolean() }).optional(),
  }),
});

const unavailable = await namespaceModeUnavailable();
const skip = unavailable === undefined ? false : `namespace mode unavailable: ${unavailable}`;
const SCRIPT = fileURLToPath(new URL("./detect-in-namespace.ts", import.meta.url));
const PROBE = "http://connectivitycheck.gstatic.com/generate_204";

describe("detection pinned to the Wi-Fi link (namespaces)", { skip }, () => {
  let world: NamespaceWorld;
  let lease: Lease;
  let netnsEtc: string;

  before(async () => {
    world = await startNamespaceWorld({ scenario: "capport" });
    lease = await world.dhcp();
    // The system resolver of the client namespace points nowhere useful (as a VPN's or a
    // local DoH stub's would for the hotspot's names); only the link's DNS knows them.
    netnsEtc = `/etc/netns/${world.names.client}`;
    await mkdir(netnsEtc, { recursive: true });
    await writeFile(`${netnsEtc}/resolv.conf`, "nameserver 127.0.0.53\noptions timeout:1 attempts:1\n");
  });
  after(async () => {
    await rm(netnsEtc, { recursive: true, force: true });
    await world?.close();
  });

  async function detect(mode: "link" | "system", api = false) {
    const args = [
      "--import",
      "tsx",
      SCRIPT,
      mode,
      PROBE,
      lease.address,
      lease.dns.join(","),
      api ? (lease.captivePortal ?? "") : "",
      api ? world.caFile : "",
    ];
    return answer.parse(JSON.parse(await world.inClient(process.execPath, args)));
  }

  test("with the link's address and DNS servers the probe name resolves to the walled garden and is intercepted", async () => {
    const r = await detect("link");
    assert.equal(r.bound, lease.address);
    assert.equal(r.linkDns, true);
    assert.equal(r.info.verdict, "portal");
  });

  test("through the system resolver the same probe cannot even resolve", async () => {
    const r = await detect("system");
    assert.equal(r.info.verdict, "unreachable");
  });

  test("the RFC 8908 API from DHCP option 114 is queried on the link over HTTPS and decides", async () => {
    assert.ok(lease.captivePortal?.startsWith("https://"), "option 114 carries an HTTPS URI");
    const r = await detect("link", true);
    assert.deepEqual([r.info.verdict, r.info.decidedBy, r.info.api?.captive], ["portal", "api", true]);
  });
});
