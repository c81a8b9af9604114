import { hotspotError } from "../errors.ts";
import type { CaptivePortalApiClient, CaptivePortalApiInfo, HttpClient } from "../helper-api/context.ts";
import type { SessionFacts } from "../helper-api/results.ts";
import { cleanCapportUri, isCapportUnrestricted, queryCapportApi } from "./capport.ts";

/** The session facts an RFC 8908 answer carries (expiry, quota, renewal). */
export function capportSessionFacts(info: CaptivePortalApiInfo): SessionFacts {
  return {
    ...(info.secondsRemaining === undefined ? {} : { expiresInSeconds: info.secondsRemaining }),
    ...(info.bytesRemaining === undefined ? {} : { bytesRemaining: info.bytesRemaining }),
    ...(info.canExtendSession === undefined ? {} : { canExtend: info.canExtendSession }),
  };
}

/** The `capport` helper on a plugin's context: the network's API through the plugin's HttpClient. */
export function createCapportClient(
  http: HttpClient,
  uri: string | undefined,
  opts: {
    readonly allowHttp?: boolean;
    /** Sees every valid answer (the daemon uses a fresh `captive: false` after a login as its verification). */
    readonly onAnswer?: (info: CaptivePortalApiInfo) => void;
  } = {},
): CaptivePortalApiClient {
  const announced = cleanCapportUri(uri);
  const usable = announced !== undefined && !isCapportUnrestricted(announced) ? announced : undefined;
  return {
    uri: usable,
    query: () => {
      if (usable === undefined) {
        return Promise.reject(
          hotspotError("HH_CAPPORT_API_INVALID", { url: "(none)", reason: "the network announced no API" }),
        );
      }
      return queryCapportApi(http, usable, opts.allowHttp === true).then((info) => {
        opts.onAnswer?.(info);
        return info;
      });
    },
    sessionFacts: capportSessionFacts,
  };
}
