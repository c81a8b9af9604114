import { createHash } from "node:crypto";

/**
 * The password encodings of CoovaChilli's UAM login, exactly as its hotspotlogin.cgi
 * computes them (and as chilli and its RADIUS server check them):
 *
 *     hexchal  = pack "H32", $challenge              # the 16 challenge bytes
 *     newchal  = $uamsecret ? md5(hexchal . $uamsecret) : hexchal
 *     response = md5_hex("\0" . $password . newchal)  # CHAP, identifier 0
 *     pappassword = unpack "H32", ($password ^ newchal)
 *
 * CHAP is what chilli's `/logon?username=…&response=…` expects and what the simulator
 * checks by default. For PAP (`/logon?username=…&password=…`) the classic CGI XORs only
 * the first 16 bytes; later chilli versions XOR each 16-byte block of the zero-padded
 * password with the same key, which is what we do (identical for passwords ≤ 16 bytes).
 */

const md5 = (...parts: (string | Buffer)[]): Buffer => {
  const h = createHash("md5");
  for (const p of parts) h.update(p);
  return h.digest();
};

/** The 16-byte key both encodings use: the challenge, hashed with the UAM secret when there is one. */
export function chapChallenge(challengeHex: string, uamSecret = ""): Buffer {
  const challenge = Buffer.from(challengeHex, "hex");
  return uamSecret === "" ? challenge : md5(challenge, Buffer.from(uamSecret, "utf8"));
}

/** CHAP response: lower-case hex of md5(0x00 ‖ password ‖ key). */
export function chapResponse(password: string, challengeHex: string, uamSecret = ""): string {
  return md5(
    Buffer.from([0]),
    Buffer.from(password, "utf8"),
    chapChallenge(challengeHex, uamSecret),
  ).toString("hex");
}

/** PAP password: lower-case hex of the zero-padded password XOR the key, block by block. */
export function papPassword(password: string, challengeHex: string, uamSecret = ""): string {
  const key = chapChallenge(challengeHex, uamSecret);
  const plain = Buffer.from(password, "utf8");
  const out = Buffer.alloc(Math.max(16, Math.ceil(plain.length / 16) * 16));
  plain.copy(out);
  for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) ^ (key[i % 16] ?? 0);
  return out.toString("hex");
}

/** Inverse of papPassword (trailing NUL padding removed). */
export function decodePapPassword(hex: string, challengeHex: string, uamSecret = ""): string {
  const key = chapChallenge(challengeHex, uamSecret);
  const data = Buffer.from(hex, "hex");
  for (let i = 0; i < data.length; i++) data[i] = (data[i] ?? 0) ^ (key[i % 16] ?? 0);
  let end = data.length;
  while (end > 0 && data[end - 1] === 0) end--;
  return data.subarray(0, end).toString("utf8");
}
