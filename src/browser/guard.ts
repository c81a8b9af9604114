import { basicCredentials } from "../auth/http-client.ts";
import { compileSecrets, credentialRefusal, credentialRefusalFix, urlWithoutQuery } from "../auth/secrets.ts";
import { type HotspotError, hotspotError } from "../errors.ts";
import type { PortalHost } from "../helper-api/plugin.ts";
import type { SecretSet } from "../util/redact.ts";

/**
 * The credential guard for browser traffic: the same rule as the HTTP client's (a request
 * carrying one of the plugin's secrets, in any spelling, goes only to a declared portal
 * host, over TLS unless that host allows plain HTTP), applied to what Chromium sends. The
 * proxy applies it to plain-HTTP requests; request interception applies it to every
 * request before Chromium encrypts it.
 */

export interface BrowserGuardOptions {
  readonly credentials?: unknown;
  readonly portalHosts?: readonly PortalHost[];
  readonly pluginId?: string;
}

/** What a request looks like to the guard. */
export interface GuardedRequest {
  readonly url: URL;
  readonly method: string;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body?: string | undefined;
}

export interface BrowserGuard {
  readonly secrets: SecretSet;
  /** HH_CREDENTIAL_HOST_REFUSED when the request carries a secret where it may not go, else undefined. */
  check(request: GuardedRequest): HotspotError | undefined;
}

export function createBrowserGuard(opts: BrowserGuardOptions): BrowserGuard {
  const secrets = compileSecrets(opts.credentials);
  const hosts = opts.portalHosts ?? [];
  const plugin = opts.pluginId ?? "(unknown)";
  return {
    secrets,
    check(request) {
      if (secrets.size === 0) return undefined;
      const headerValues = Object.values(request.headers).flatMap((v) =>
        v === undefined ? [] : typeof v === "string" ? [v] : [...v],
      );
      const texts = [
        request.url.href,
        ...headerValues,
        ...basicCredentials(headerValues),
        request.body ?? "",
      ];
      if (!texts.some((t) => secrets.foundIn(t))) return undefined;
      const reason = credentialRefusal(request.url, hosts);
      if (reason === undefined) return undefined;
      return hotspotError("HH_CREDENTIAL_HOST_REFUSED", {
        plugin,
        url: urlWithoutQuery(request.url, secrets),
        reason,
        fix: credentialRefusalFix(request.url, hosts, plugin),
      });
    },
  };
}
