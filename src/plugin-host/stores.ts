import { resolve } from "node:path";
import type { PluginStore } from "../helper-api/context.ts";
import { createFileStore, type FileStoreOptions, storeFile } from "./store.ts";

/**
 * One store object per store file in this process. Several hosts may exist at once (the
 * CLI's registry and the daemon each have one); sharing the object keeps their views of a
 * plugin's store identical and their writes in one queue.
 */
const stores = new Map<string, PluginStore>();

export function sharedFileStore(opts: FileStoreOptions): PluginStore {
  const key = resolve(storeFile(opts.root, opts.pluginId));
  let store = stores.get(key);
  if (!store) {
    store = createFileStore(opts);
    stores.set(key, store);
  }
  return store;
}
