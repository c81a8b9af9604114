import { Variant } from "@jellybrick/dbus-next";
import { z } from "zod";
import type { ProviderInfo } from "../../annotate/index.ts";
import { displayNameSchema } from "../../helper-api/display-name.ts";
import { confidenceSchema, securitySchema } from "../../helper-api/scan-schemas.ts";
import type { NetworkView } from "./views.ts";

/** ListNetworks' dictionaries, validated (loaded only by the commands that list networks). */

function variant<T extends z.ZodType>(signature: string, inner: T) {
  return z
    .instanceof(Variant)
    .refine((v) => v.signature === signature, `expected D-Bus type ${signature}`)
    .transform((v): unknown => v.value)
    .pipe(inner);
}

const str = variant("s", z.string());
const uint = variant("u", z.number().int().nonnegative());
const claim = z
  .tuple([z.string(), displayNameSchema, confidenceSchema])
  .transform(([pluginId, displayName, confidence]): ProviderInfo => ({ pluginId, displayName, confidence }));

export const networkViewSchema = z
  .object({
    device: str,
    ssid: str,
    ssidHex: str,
    bssid: str,
    strength: uint,
    frequency: uint,
    security: variant("s", securitySchema),
    claims: variant("a(sss)", z.array(claim)),
  })
  .transform(
    (n): NetworkView => ({
      ...n,
      provider: n.claims.find((c) => c.confidence !== "none") ?? null,
    }),
  );
