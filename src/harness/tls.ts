import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The harness's TLS material for loopback mode: a self-signed certificate for 127.0.0.1
 * and localhost (a copy of the auth tests' fixture, see fixtures/portals/tls/). Clients
 * trust it by passing `portal.ca` as their CA. Namespace mode makes its own certificate
 * for the access point's address with openssl (see netns/certificate.ts).
 */

export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
}

const DIR = new URL("../../fixtures/portals/tls/", import.meta.url);

let cached: TlsMaterial | undefined;

export function harnessTls(): TlsMaterial {
  cached ??= {
    cert: readFileSync(fileURLToPath(new URL("test-portal.crt", DIR)), "utf8"),
    key: readFileSync(fileURLToPath(new URL("test-portal.key", DIR)), "utf8"),
  };
  return cached;
}
