import { Variant } from "@jellybrick/dbus-next";
import { SESSION_STATES, type SessionState } from "../states.ts";
import {
  PLUGIN_RUN_STATES,
  type PluginRunState,
  type PluginStateView,
  type SessionView,
  type StatusView,
} from "./views.ts";

/**
 * Decoding the daemon's answers in the CLI. Status and sessions are checked by hand rather
 * than with zod: `hotspot status` is a command people run to look, and loading zod's few
 * hundred modules would make up a third of its start-up. Networks (`hotspot list`, which
 * loads zod anyway for its plugins) are decoded with zod in network-decode.ts.
 */

class DecodeError extends Error {}

function field(dict: Readonly<Record<string, unknown>>, key: string, signature: string): unknown {
  const v = dict[key];
  if (!(v instanceof Variant)) throw new DecodeError(`${key}: missing`);
  if (v.signature !== signature)
    throw new DecodeError(`${key}: expected D-Bus type ${signature}, got ${v.signature}`);
  return v.value;
}

function optional(dict: Readonly<Record<string, unknown>>, key: string, signature: string): unknown {
  return dict[key] === undefined ? undefined : field(dict, key, signature);
}

function str(dict: Readonly<Record<string, unknown>>, key: string): string {
  const v = field(dict, key, "s");
  if (typeof v !== "string") throw new DecodeError(`${key}: not a string`);
  return v;
}

function strings(dict: Readonly<Record<string, unknown>>, key: string): string[] {
  const v = field(dict, key, "as");
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string"))
    throw new DecodeError(`${key}: not strings`);
  return v.filter((x): x is string => typeof x === "string");
}

function count(v: unknown, key: string): number {
  const n = typeof v === "bigint" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isFinite(n) || n < 0) throw new DecodeError(`${key}: not a count`);
  return n;
}

function time(dict: Readonly<Record<string, unknown>>, key: string): number | undefined {
  const v = optional(dict, key, "t");
  return v === undefined ? undefined : count(v, key);
}

function isState(v: string): v is SessionState {
  return SESSION_STATES.some((s) => s === v);
}

/** A dictionary (`a{sv}`) as dbus-next hands it over: a plain object. */
export function asDict(v: unknown, what: string): Readonly<Record<string, unknown>> {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new DecodeError(`${what}: not a dictionary`);
  return Object.fromEntries(Object.entries(v));
}

export function decodeStatus(d: Readonly<Record<string, unknown>>): StatusView {
  return {
    version: str(d, "version"),
    pid: count(field(d, "pid", "u"), "pid"),
    startedAt: count(field(d, "startedAt", "t"), "startedAt"),
    source: str(d, "source"),
    plugins: strings(d, "plugins"),
    devices: strings(d, "devices"),
  };
}

export function decodeSession(d: Readonly<Record<string, unknown>>): SessionView {
  const state = str(d, "state");
  if (!isState(state)) throw new DecodeError(`state: unknown state ${JSON.stringify(state)}`);
  const authenticatedAt = time(d, "authenticatedAt");
  const expiresAt = time(d, "expiresAt");
  const bytesRemaining = time(d, "bytesRemaining");
  const canExtend = optional(d, "canExtend", "b");
  const nextMaintainAt = time(d, "nextMaintainAt");
  const uiUrl = optional(d, "uiUrl", "s");
  const providerName = optional(d, "providerName", "s");
  const failedLogins = optional(d, "failedLogins", "u");
  const mac = optional(d, "mac", "s");
  const macChanges = optional(d, "macChangesOnReconnect", "b");
  return {
    device: str(d, "device"),
    state,
    ssid: str(d, "ssid"),
    ssidHex: str(d, "ssidHex"),
    bssid: str(d, "bssid"),
    provider: str(d, "provider"),
    reason: str(d, "reason"),
    since: count(field(d, "since", "t"), "since"),
    ...(authenticatedAt === undefined ? {} : { authenticatedAt }),
    ...(expiresAt === undefined ? {} : { expiresAt }),
    ...(bytesRemaining === undefined ? {} : { bytesRemaining }),
    ...(typeof canExtend === "boolean" ? { canExtend } : {}),
    ...(nextMaintainAt === undefined ? {} : { nextMaintainAt }),
    ...(typeof uiUrl === "string" ? { uiUrl } : {}),
    ...(typeof providerName === "string" ? { providerName } : {}),
    ...(failedLogins === undefined ? {} : { failedLogins: count(failedLogins, "failedLogins") }),
    ...(typeof mac === "string" ? { mac } : {}),
    ...(typeof macChanges === "boolean" ? { macChangesOnReconnect: macChanges } : {}),
  };
}

function isRunState(v: string): v is PluginRunState {
  return PLUGIN_RUN_STATES.some((s) => s === v);
}

export function decodePluginState(d: Readonly<Record<string, unknown>>): PluginStateView {
  const state = str(d, "state");
  if (!isRunState(state)) throw new DecodeError(`state: unknown plugin state ${JSON.stringify(state)}`);
  const lastError = optional(d, "lastError", "s");
  return {
    id: str(d, "id"),
    state,
    restarts: count(field(d, "restarts", "u"), "restarts"),
    crashes: count(field(d, "crashes", "u"), "crashes"),
    ...(typeof lastError === "string" ? { lastError } : {}),
  };
}
