import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { test } from "node:test";
import type { MessageBus } from "@jellybrick/dbus-next";
import type { BusConnection, CallSpec } from "../../../src/scan/dbus/bus.ts";
import { subscribeSignals } from "../../../src/scan/dbus/signals.ts";

function fakeConnection() {
  const replies = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  const removed: string[] = [];
  const bus = new EventEmitter() as unknown as MessageBus;
  const conn: BusConnection = {
    bus,
    address: "unix:path=/fake",
    uniqueName: ":1.1",
    closed: false,
    call(spec: CallSpec) {
      const rule = String(spec.body?.[0]);
      if (spec.member === "RemoveMatch") {
        removed.push(rule);
        return Promise.resolve([]);
      }
      return new Promise<unknown[]>((resolve, reject) => {
        replies.set(rule, { resolve: () => resolve([]), reject });
      });
    },
    onClose: () => () => {},
    close() {},
  };
  return { conn, replies, removed };
}

test("a rule accepted after another was refused is removed again, not left on the bus", async () => {
  const { conn, replies, removed } = fakeConnection();
  const subscribing = subscribeSignals(conn, ["refused", "late"], () => {});
  replies.get("refused")?.reject(new Error("org.freedesktop.DBus.Error.MatchRuleInvalid"));
  await new Promise((resolve) => setImmediate(resolve));
  replies.get("late")?.resolve();
  await assert.rejects(subscribing, /MatchRuleInvalid/);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(removed, ["late"]);
});
