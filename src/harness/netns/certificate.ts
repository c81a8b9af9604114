import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { TlsMaterial } from "../tls.ts";
import { run } from "./exec.ts";

/**
 * A self-signed certificate for the access point's address, made with openssl for each
 * world: the RFC 8908 API must be HTTPS, and the loopback certificate names only
 * 127.0.0.1 and localhost. Clients trust it through the PEM this returns.
 */
export async function makeCertificate(
  dir: string,
  ip: string,
  name: string,
): Promise<TlsMaterial & { certFile: string; keyFile: string }> {
  const certFile = join(dir, "portal.crt");
  const keyFile = join(dir, "portal.key");
  await run("TLS certificate", "openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    keyFile,
    "-out",
    certFile,
    "-days",
    "2",
    "-subj",
    `/CN=${name}`,
    "-addext",
    `subjectAltName=IP:${ip},DNS:${name}`,
  ]);
  return { cert: await readFile(certFile, "utf8"), key: await readFile(keyFile, "utf8"), certFile, keyFile };
}
