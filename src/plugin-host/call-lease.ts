import type { WarmLeaseData } from "../browser/remote-lease.ts";
import type { RemoteLease } from "../browser/warm-instance.ts";

/**
 * The daemon's side of one hook call's warm-browser lease (see docs/browser.md, "Leases
 * across processes"). A plugin's process asks for it when its hook first calls
 * `ctx.browser()`; the daemon takes the warm instance's prepared tab, bound to the hook's
 * link and to the plugin's credential guard as the daemon built them (never from anything
 * the process says), and answers with the plain data to connect with, or with nothing (no
 * warm browser free: the process launches its own).
 *
 * The lease is the call's: it ends when the call ends, however it ends (answer, failure,
 * the process dying), and at once when the call is aborted (the hook's deadline, the
 * network left): the relay then cuts the process's connection and the tab is thrown away,
 * without waiting for a process that may never answer.
 */

/** Takes the warm browser for one call (bound to its link and guard); undefined: none free. */
export type LeaseProvider = (signal: AbortSignal) => Promise<RemoteLease | undefined>;

export class CallLease {
  readonly #provider: LeaseProvider | undefined;
  readonly #signal: AbortSignal;
  readonly #reply: (lease: WarmLeaseData | undefined) => void;
  #asked = false;
  #ended = false;
  #held: RemoteLease | undefined;

  constructor(
    provider: LeaseProvider | undefined,
    signal: AbortSignal,
    reply: (lease: WarmLeaseData | undefined) => void,
  ) {
    this.#provider = provider;
    this.#signal = signal;
    this.#reply = reply;
  }

  /** The process asks: one lease per call, none once the call is over or aborted. */
  async ask(): Promise<void> {
    if (this.#asked || this.#ended || this.#signal.aborted || this.#provider === undefined) {
      this.#reply(undefined);
      return;
    }
    this.#asked = true;
    const lease = await this.#provider(this.#signal).catch(() => undefined);
    if (lease !== undefined && (this.#ended || this.#signal.aborted)) {
      // The call ended while the lease was being taken: nobody will use it.
      await lease.release();
      this.#reply(undefined);
      return;
    }
    this.#held = lease;
    this.#reply(lease?.data);
  }

  /** The call is over (or its process gave the lease back): release it. Idempotent. */
  end(): void {
    this.#ended = true;
    const held = this.#held;
    this.#held = undefined;
    void held?.release();
  }
}
