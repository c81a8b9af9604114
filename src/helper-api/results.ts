import { z } from "zod";
import { confidenceSchema } from "./scan-schemas.ts";

/**
 * What hooks return, with the zod schemas the hook runner checks them against. A plugin
 * that returns something else gets HH_PLUGIN_RESULT_INVALID naming it, never a crash.
 * Result names and meanings follow Apple's NEHotspotHelperResult.
 */

/** Facts about a session the portal or plugin knows; all optional. */
export const sessionFactsSchema = z
  .object({
    /**
     * Seconds until the portal ends the session: RFC 8908 `seconds-remaining`, or what a
     * plugin learnt from its portal. Not WISPr: its AuthenticationReply carries no session
     * time (the RADIUS Session-Timeout stays between gateway and AAA server).
     */
    expiresInSeconds: z.number().nonnegative().finite().optional(),
    /** Bytes left on the session's quota (RFC 8908 `bytes-remaining`). */
    bytesRemaining: z.number().nonnegative().finite().optional(),
    /** URL that ends the session (WISPr LogoffURL); `logoff` may use it. */
    logoffUrl: z.url().optional(),
    /** How often to run `maintain`, in seconds; the daemon's default is 300. */
    maintainIntervalSeconds: z.number().positive().finite().optional(),
    /** Whether the portal lets the session be extended (RFC 8908 `can-extend-session`). */
    canExtend: z.boolean().optional(),
  })
  .strict();
export type SessionFacts = z.infer<typeof sessionFactsSchema>;

const reason = z.string().max(500).optional();

export const evaluateResultSchema = z.object({ confidence: confidenceSchema, reason }).strict();
/** `evaluate`'s answer: how sure the plugin now is, after looking at the joined network and its portal. */
export type EvaluateResult = z.infer<typeof evaluateResultSchema>;

export const authenticateResultSchema = z.discriminatedUnion("result", [
  z.object({ result: z.literal("success"), session: sessionFactsSchema.optional() }).strict(),
  z.object({ result: z.literal("uiRequired"), url: z.url(), reason }).strict(),
  z
    .object({
      result: z.literal("temporaryFailure"),
      reason,
      retryAfterSeconds: z.number().positive().optional(),
    })
    .strict(),
  z.object({ result: z.literal("unsupportedNetwork"), reason }).strict(),
  z.object({ result: z.literal("failure"), reason }).strict(),
]);
/**
 * `authenticate`'s answer:
 * - `success`: logged in (the daemon verifies by re-probing before believing it);
 * - `uiRequired`: a person must open `url` (a CAPTCHA, a payment page);
 * - `temporaryFailure`: try again later (the daemon backs off and retries);
 * - `unsupportedNetwork`: not ours after all; the next-best plugin gets a chance;
 * - `failure`: cannot log in here (wrong credentials, account blocked).
 */
export type AuthenticateResult = z.infer<typeof authenticateResultSchema>;

export const maintainResultSchema = z.discriminatedUnion("result", [
  z.object({ result: z.literal("success"), session: sessionFactsSchema.optional() }).strict(),
  z.object({ result: z.literal("authenticationRequired"), reason }).strict(),
  z.object({ result: z.literal("failure"), reason }).strict(),
]);
/**
 * `maintain`'s answer: `success` (still online), `authenticationRequired` (the session
 * ended; the daemon runs `authenticate` again), `failure` (give up on this network: the
 * daemon re-evaluates).
 */
export type MaintainResult = z.infer<typeof maintainResultSchema>;

export const logoffResultSchema = z.union([
  z.undefined(),
  z.object({ result: z.enum(["success", "failure"]), reason }).strict(),
]);
/** `logoff`'s answer; returning nothing means success. */
export type LogoffResult = z.infer<typeof logoffResultSchema>;

export const dynamicClaimsSchema = z.array(
  z
    .object({
      bssid: z.string().transform((s) => s.toLowerCase()),
      confidence: confidenceSchema,
    })
    .strict(),
);
/** `filterScanList`'s answer: extra claims on access points of the scan, by BSSID. */
export type DynamicClaims = readonly {
  readonly bssid: string;
  readonly confidence: import("./confidence.ts").Confidence;
}[];
