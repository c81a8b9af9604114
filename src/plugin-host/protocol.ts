import { z } from "zod";
import type { WarmLeaseData } from "../browser/remote-lease.ts";
import type { PluginSettings } from "../config/schema.ts";
import type { HttpLogEntry } from "../daemon/log.ts";
import type { SettingsFiles } from "../helper-api/plugin-settings.ts";
import type { PluginOrigin } from "../helper-api/registry-types.ts";
import type { SerializedError } from "./child-errors.ts";
import type { PluginDescriptor } from "./descriptor.ts";
import type { HookRequest } from "./seam.ts";

/**
 * The messages between the daemon and a plugin's child process (Node IPC with
 * `serialization: "advanced"`, so values are structured clones: SSID bytes stay bytes).
 *
 * A child is untrusted: it runs third-party code that may have replaced any of our own
 * functions in it. So every message from a child is parsed here before the daemon looks at
 * it, and what the daemon does with it is bounded: a descriptor goes through the load-time
 * schemas (descriptor.ts), a hook's value through the hook's result schema (host.ts), log
 * lines through the daemon's own redaction. Messages to a child come from the daemon and
 * need no check there.
 *
 * Sequence: the child says `hello` once its own modules are loaded (Node and, from a
 * checkout, tsx take a while on a busy machine; that is not the plugin's import time); then
 * `load` → `defined` (the id, so the daemon can pick that plugin's settings and
 * send only those) → `settings` → `loaded` (the descriptor); or `failed` at either step. A
 * process that will serve calls is told so in `settings` and loads its link context (and a
 * browser plugin's driver) before it answers `loaded`.
 * Then any number of `call` → `answer` | `threw`, with `abort` for a call the daemon gave
 * up on, and `log` / `http` records at any time. During a call, the hook's `ctx.browser()`
 * may ask for the daemon's warm browser: `lease` (the call's id) → `leased`, with the
 * lease as plain data (browser/remote-lease.ts) or without one (none free: the child
 * launches its own). The daemon ends the lease when the call ends, however it ends (answer,
 * abort, the process dying), or earlier on `unlease` (the child could not use it).
 */

/** The daemon's side of the exchange. */
export type ToChild =
  | {
      readonly t: "load";
      readonly file: string;
      readonly source: string;
      readonly origin?: PluginOrigin;
      readonly importTimeoutMs: number;
      readonly side: ChildSideOptions;
    }
  | {
      readonly t: "settings";
      readonly settings?: PluginSettings;
      readonly files: SettingsFiles;
      /**
       * The process will serve calls: load what its hooks need before answering `loaded`
       * (a hook's deadline starts once the process is ready). Unset for a process that only
       * describes its plugin and is then ended.
       */
      readonly prepare?: boolean;
    }
  | { readonly t: "call"; readonly id: number; readonly request: HookRequest }
  | { readonly t: "abort"; readonly id: number; readonly reason: string }
  | { readonly t: "leased"; readonly id: number; readonly lease?: WarmLeaseData };

/** What the child needs to rebuild the plugin side (plugin-side.ts) on its own. */
export interface ChildSideOptions {
  readonly storeRoot: string;
  readonly storeMaxBytes?: number;
  /** Extra trusted CA certificates, PEM text. */
  readonly ca?: readonly string[];
  readonly testNetwork?: boolean;
  readonly userAgent?: string;
  readonly browser?: {
    readonly artifactsRoot?: string;
    readonly executablePath?: string;
    readonly netns?: string;
    readonly profileRoot?: string;
  };
}

/** The child's side, before validation (types for the child's own code). */
export type FromChild =
  | { readonly t: "hello" }
  | { readonly t: "defined"; readonly id: string }
  | { readonly t: "loaded"; readonly descriptor: PluginDescriptor }
  | { readonly t: "failed"; readonly error: SerializedError }
  | {
      readonly t: "answer";
      readonly id: number;
      readonly value: unknown;
      readonly capport?: unknown;
      readonly checked?: unknown;
    }
  | { readonly t: "threw"; readonly id: number; readonly reason: string }
  | {
      readonly t: "log";
      readonly level: "debug" | "info" | "warn" | "error";
      readonly message: string;
      readonly fields?: Readonly<Record<string, unknown>>;
    }
  | { readonly t: "http"; readonly entry: HttpLogEntry }
  | { readonly t: "lease"; readonly id: number }
  | { readonly t: "unlease"; readonly id: number };

/** Longest log line or reason kept from a child; a plugin could otherwise flood the journal. */
export const MAX_TEXT = 4_096;
const text = z.string().transform((s) => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s));
/**
 * A log line's message is kept to twice MAX_TEXT: the daemon redacts it and then cuts it to
 * MAX_TEXT (log-limit.ts), so a credential straddling MAX_TEXT is still recognised whole.
 */
const logText = z.string().transform((s) => (s.length > 2 * MAX_TEXT ? `${s.slice(0, 2 * MAX_TEXT)}…` : s));
const callId = z.number().int().nonnegative();

export const fromChildSchema = z.discriminatedUnion("t", [
  z.object({ t: z.literal("hello") }).strict(),
  z.object({ t: z.literal("defined"), id: z.string().min(1).max(64) }).strict(),
  // The descriptor itself is checked by parseDescriptor, which names the field.
  z.object({ t: z.literal("loaded"), descriptor: z.unknown() }).strict(),
  z
    .object({
      t: z.literal("failed"),
      error: z
        .object({
          code: z.string().max(64).optional(),
          params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
          message: text,
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      t: z.literal("answer"),
      id: callId,
      value: z.unknown(),
      capport: z.unknown().optional(),
      checked: z.unknown().optional(),
    })
    .strict(),
  z.object({ t: z.literal("threw"), id: callId, reason: text }).strict(),
  z
    .object({
      t: z.literal("log"),
      level: z.enum(["debug", "info", "warn", "error"]),
      message: logText,
      fields: z.record(z.string(), z.unknown()).optional(),
    })
    .strict(),
  z
    .object({
      t: z.literal("http"),
      entry: z
        .object({
          method: z.string().max(16),
          url: text,
          status: z.number().int().optional(),
          ms: z.number().nonnegative(),
          error: text.optional(),
          pluginId: z.string().max(64).optional(),
        })
        .strict(),
    })
    .strict(),
  z.object({ t: z.literal("lease"), id: callId }).strict(),
  z.object({ t: z.literal("unlease"), id: callId }).strict(),
]);

export type ParsedFromChild = z.output<typeof fromChildSchema>;

/** A message from a child, or undefined when it is not one the protocol knows. */
export function parseFromChild(message: unknown): ParsedFromChild | undefined {
  const parsed = fromChildSchema.safeParse(message);
  return parsed.success ? parsed.data : undefined;
}
