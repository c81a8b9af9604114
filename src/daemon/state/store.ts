import { mkdir, readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import { type HotspotError, hotspotError, reasonOf } from "../../errors.ts";
import { errnoCode } from "../../scan/scan-file.ts";
import { writeFileAtomic } from "../../util/atomic-file.ts";
import { firstIssue } from "../../util/zod.ts";
import { migrateState } from "./migrate.ts";
import { type DaemonState, emptyState, stateSchema } from "./schema.ts";

export const STATE_FILE = "state.json";

export interface StateStoreOptions {
  readonly dir: string;
  /** A state file moved aside, or a save that failed: reported, never fatal. */
  onProblem(error: HotspotError): void;
  readonly now?: () => number;
}

/**
 * The daemon's state file. Reads once at start; every `update` changes the in-memory copy
 * at once and queues a save. Saves are atomic (see writeFileAtomic) and coalesced: while
 * one is being written, further updates only mark the state dirty, and the next write
 * carries all of them, so a burst of changes costs at most two writes.
 */
export class StateStore {
  readonly file: string;
  readonly #onProblem: (error: HotspotError) => void;
  #state: DaemonState;
  #dirty = false;
  #writing: Promise<void> | undefined;

  private constructor(file: string, state: DaemonState, onProblem: (e: HotspotError) => void) {
    this.file = file;
    this.#state = state;
    this.#onProblem = onProblem;
  }

  /**
   * Creates the directory (0700) when missing and loads the file, migrating an older
   * version (migrate.ts). A file that is not JSON, fails the schema or has a newer or
   * unknown version is moved to `state.json.corrupt-<time>` with a
   * warning and the daemon starts empty: losing saved sessions costs one login, refusing
   * to start costs the user their network.
   */
  static async open(opts: StateStoreOptions): Promise<StateStore> {
    await mkdir(opts.dir, { recursive: true, mode: 0o700 });
    const file = join(opts.dir, STATE_FILE);
    const state = await readState(file, opts);
    return new StateStore(file, state, opts.onProblem);
  }

  get state(): DaemonState {
    return this.#state;
  }

  /** Applies `change` to a copy of the state and queues a save. */
  update(change: (draft: DaemonState) => void): void {
    const draft = structuredClone(this.#state);
    change(draft);
    this.#state = draft;
    this.#dirty = true;
    this.#writing ??= this.#drain();
  }

  /** Resolves once everything updated so far is on disk (or its save has failed and been reported). */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#dirty) {
        this.#dirty = false;
        try {
          await writeFileAtomic(this.file, `${JSON.stringify(this.#state, null, 2)}\n`);
        } catch (e) {
          this.#onProblem(
            hotspotError("HH_STATE_WRITE_FAILED", { file: this.file, reason: reasonOf(e) }, { cause: e }),
          );
        }
      }
    } finally {
      this.#writing = undefined;
    }
  }
}

async function readState(file: string, opts: StateStoreOptions): Promise<DaemonState> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if (errnoCode(e) === "ENOENT") return emptyState();
    throw hotspotError("HH_FILE_UNREADABLE", { file, reason: reasonOf(e) }, { cause: e });
  }
  const problem = validate(text, opts.now?.() ?? Date.now());
  if (typeof problem !== "string") return problem;
  const stamp = new Date(opts.now?.() ?? Date.now()).toISOString().replaceAll(":", "-");
  const movedTo = `${file}.corrupt-${stamp}`;
  await rename(file, movedTo);
  opts.onProblem(hotspotError("HH_STATE_CORRUPT", { file, reason: problem, movedTo }));
  return emptyState();
}

/** The valid state (an older version migrated), or why the text is not one. */
function validate(text: string, now: number): DaemonState | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return `not JSON: ${reasonOf(e)}`;
  }
  const migrated = migrateState(data, now);
  if (typeof migrated === "string") return migrated;
  const parsed = stateSchema.safeParse(migrated);
  if (!parsed.success) {
    const { field, reason } = firstIssue(parsed.error);
    return `${field}: ${reason}`;
  }
  return parsed.data;
}
