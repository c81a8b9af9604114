import { z } from "zod";
import { DEFAULT_HOOK_TIMEOUTS_MS } from "../helper-api/deadlines.ts";
import { CONFIG_VERSION } from "./migrate.ts";

/**
 * The user's configuration file (`~/.config/hotspot-helper/config.json`, or `--config`).
 * Plugin-specific `config` and `credentials` are opaque here and validated by each
 * plugin's own schemas when the registry loads it.
 */
export const pluginSettingsSchema = z
  .object({
    /** false disables the plugin entirely. */
    enabled: z.boolean().default(true),
    config: z.unknown().optional(),
    /** Credentials inline (the skeleton's way; a later credential store supersedes it). */
    credentials: z.unknown().optional(),
  })
  .strict();
export type PluginSettings = z.infer<typeof pluginSettingsSchema>;

export const userConfigSchema = z
  .object({
    /**
     * The file's format version (see src/config/migrate.ts). Files without it are version 0
     * and are migrated on load; a newer version than this program knows is refused.
     */
    version: z.literal(CONFIG_VERSION).default(CONFIG_VERSION),
    /**
     * Connectivity probe: 204 means online. When the file does not set it, `hotspot daemon`
     * probes NetworkManager's ConnectivityCheckUri if NetworkManager has one, else this default.
     */
    probeUrl: z.url().default("http://connectivitycheck.gstatic.com/generate_204"),
    /**
     * An HTTPS probe run alongside the plain one (Android runs both), e.g.
     * `https://www.google.com/generate_204`. Off unless set. It never decides the verdict:
     * a certificate that fails on a captive network is reported as a sign of the portal
     * intercepting TLS (`httpsProbe` in `hotspot probe --json`).
     */
    httpsProbeUrl: z.url({ protocol: /^https$/ }).optional(),
    /** Deadline of each plugin's filterScanList and evaluate, ms (default: src/helper-api/deadlines.ts). */
    evaluateTimeoutMs: z.number().int().positive().max(120_000).default(DEFAULT_HOOK_TIMEOUTS_MS.evaluate),
    /** Deadline of authenticate, maintain and logoff, ms (default: src/helper-api/deadlines.ts). */
    hookTimeoutMs: z.number().int().positive().max(600_000).default(DEFAULT_HOOK_TIMEOUTS_MS.authenticate),
    /** Default maintain interval, seconds. */
    maintainIntervalSeconds: z.number().positive().max(86_400).default(300),
    /** Per-SSID preferred plugin, consulted when confidences tie. Keys are SSID text, or `hex:<hex>` for exact bytes. */
    preferences: z.record(z.string(), z.string()).default({}),
    plugins: z.record(z.string(), pluginSettingsSchema).default({}),
    /**
     * User-Agent of every request (probe, RFC 8908 API, plugin traffic) that does not set its
     * own. Default: one that says "wispr", which WISPr gateways look for. Printable ASCII only:
     * it goes verbatim into a header line.
     */
    userAgent: z
      .string()
      .min(1)
      .max(512)
      .regex(/^[\x20-\x7e]+$/, "printable ASCII only")
      .optional(),
    /**
     * More plugin folders, searched after the standard ones (see src/helper-api/plugin-paths.ts)
     * and before `--plugins`. Relative paths are relative to the config file's folder.
     */
    pluginDirs: z.array(z.string().min(1)).default([]),
    /**
     * Where `hotspot daemon` runs plugin code: `process`, each plugin in a child process of
     * its own (a crash, a hang or a runaway allocation ends that process, not the daemon);
     * `none`, in the daemon's own thread. See docs/plugin-host.md.
     */
    pluginIsolation: z.enum(["process", "none"]).default("process"),
    /**
     * How `hotspot daemon` answers a plugin process that crashes (with pluginIsolation
     * "process"), in the spirit of systemd's RestartSec= and StartLimitBurst=: wait
     * `backoffMs`, doubled with each further crash within `crashWindowMs` up to
     * `maxBackoffMs`, before starting it again; `quarantineAfter` crashes within
     * `crashWindowMs` quarantine it for `quarantineMs`. Each key is optional; the defaults
     * are in src/plugin-host/supervisor.ts (1 s, 60 s, 3, 60 s, 10 min).
     */
    pluginRestarts: z
      .object({
        backoffMs: z.number().int().min(100).max(600_000).optional(),
        maxBackoffMs: z.number().int().min(100).max(3_600_000).optional(),
        quarantineAfter: z.number().int().min(1).max(100).optional(),
        crashWindowMs: z.number().int().min(1_000).max(86_400_000).optional(),
        quarantineMs: z.number().int().min(1_000).max(604_800_000).optional(),
      })
      .strict()
      .refine((p) => p.maxBackoffMs === undefined || p.maxBackoffMs >= (p.backoffMs ?? 1_000), {
        message: "maxBackoffMs must not be below backoffMs (default 1000)",
        path: ["maxBackoffMs"],
      })
      .optional(),
  })
  .strict();
export type UserConfig = z.infer<typeof userConfigSchema>;

export function defaultUserConfig(): UserConfig {
  return userConfigSchema.parse({});
}
