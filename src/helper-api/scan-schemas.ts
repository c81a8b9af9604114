import { z } from "zod";
import { CONFIDENCES } from "./confidence.ts";
import { BSSID_RE, SECURITIES } from "./network.ts";
import { HEX_RE, MAX_SSID_BYTES, type SsidInput, ssidBytesFromInput } from "./ssid.ts";

/**
 * The zod schemas of the scan vocabulary (confidence, security, BSSID, SSID). They live
 * apart from the plain types and helpers of confidence.ts, network.ts and ssid.ts so that
 * the paths which only match and print networks (`hotspot list` with its plugins'
 * descriptors cached) load no zod at all.
 */

export const confidenceSchema = z.enum(CONFIDENCES);

export const securitySchema = z.enum(SECURITIES);

export const bssidSchema = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.string().regex(BSSID_RE, "BSSID must look like 02:00:00:00:00:01"));

/** An SSID as written in files: plain text (UTF-8 encoded) or `{ hex }` for exact bytes. */
export const ssidInputSchema: z.ZodType<SsidInput, SsidInput> = z.union([
  z.string(),
  z.object({ hex: z.string().regex(HEX_RE, "hex must be an even number of hex digits") }).strict(),
]);

/** Like ssidInputSchema but also checks the 32-byte limit and yields the bytes. */
export const ssidBytesSchema = ssidInputSchema
  .transform((v) => ssidBytesFromInput(v))
  .refine((b) => b.length <= MAX_SSID_BYTES, { message: `SSID longer than ${MAX_SSID_BYTES} bytes` });
