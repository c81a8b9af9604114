import { z } from "zod";
import { confidenceSchema, securitySchema, ssidInputSchema } from "./scan-schemas.ts";
import { MAX_SSID_BYTES } from "./ssid.ts";

/**
 * Static claims: data the registry compiles into one index, so matching a scan runs no
 * plugin code. Each claim names exactly one matcher and a confidence; `security`
 * optionally narrows it (a click-through plugin claims only open networks).
 *
 * SSIDs in `ssid` / `ssidPrefix` are compared as bytes; give `{ hex }` for non-UTF-8 names.
 * `ssidPattern` is a JavaScript regular expression tested against the SSID's text form
 * (invalid UTF-8 shown as U+FFFD); anchor it yourself (`^…$`) when you mean the whole name.
 * `bssidPrefix` is 1–6 colon-separated octets, e.g. an OUI `"02:1a:11"`.
 */
const common = {
  confidence: confidenceSchema.exclude(["none"]),
  security: z.array(securitySchema).min(1).readonly().optional(),
};

const ssidField = ssidInputSchema.refine(
  (v) => (typeof v === "string" ? Buffer.byteLength(v, "utf8") : v.hex.length / 2) <= MAX_SSID_BYTES,
  { message: `SSID longer than ${MAX_SSID_BYTES} bytes` },
);

export const claimSchema = z.union([
  z
    .object({ ssid: ssidField, ...common })
    .strict()
    .readonly(),
  z
    .object({
      ssidPrefix: ssidField.refine(
        (v) => (typeof v === "string" ? v.length > 0 : v.hex.length > 0),
        "prefix must not be empty",
      ),
      ...common,
    })
    .strict()
    .readonly(),
  z
    .object({
      ssidPattern: z.string().min(1),
      flags: z
        .string()
        .regex(/^[imsu]*$/, "only the flags i, m, s and u are allowed")
        .optional(),
      ...common,
    })
    .strict()
    .readonly()
    .refine(
      (c) => {
        try {
          new RegExp(c.ssidPattern, c.flags);
          return true;
        } catch {
          return false;
        }
      },
      { message: "not a valid regular expression", path: ["ssidPattern"] },
    ),
  z
    .object({
      bssidPrefix: z
        .string()
        .transform((s) => s.toLowerCase())
        .pipe(
          z
            .string()
            .regex(/^[0-9a-f]{2}(?::[0-9a-f]{2}){0,5}$/, "BSSID prefix must be 1-6 octets like 02:1a:11"),
        ),
      ...common,
    })
    .strict()
    .readonly(),
]);

/**
 * One static claim, as a plugin writes it: the input type of claimSchema, so the type and
 * the check cannot disagree (a claim the types accept is one the loader accepts, except for
 * what only runs can tell: a bad regular expression, an SSID over 32 bytes).
 */
export type Claim = z.input<typeof claimSchema>;

/**
 * The claims of a generic plugin the user points at networks: `medium` on each SSID listed
 * in its config, and, when `anyOpenNetwork` is on, `low` on every open network (evaluate
 * then decides whether the portal is really one the plugin can handle).
 *
 * @example
 * ```ts
 * claims: (config) => configuredNetworkClaims(config),
 * ```
 */
export function configuredNetworkClaims(config: {
  readonly ssids: readonly string[];
  readonly anyOpenNetwork: boolean;
}): Claim[] {
  return [
    ...config.ssids.map((ssid): Claim => ({ ssid, confidence: "medium" })),
    ...(config.anyOpenNetwork
      ? [{ ssidPattern: "^", confidence: "low", security: ["open"] } satisfies Claim]
      : []),
  ];
}
