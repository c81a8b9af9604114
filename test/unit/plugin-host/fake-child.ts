import type { ChildAnswer, ChildExit, ChildProcessOptions } from "../../../src/plugin-host/child-process.ts";
import type { PluginDescriptor } from "../../../src/plugin-host/descriptor.ts";
import type { ChildLike } from "../../../src/plugin-host/supervisor.ts";

/**
 * A plugin process as the supervisor sees it, without a process (the process boundary is the
 * fake): it defines and configures as `described`, answers each call with its pid, and ends
 * when killed, retired, or told to crash. A test that needs other answers overrides `call`.
 */
export class FakeChild implements ChildLike {
  static next = 100;
  readonly pid = FakeChild.next++;
  alive = true;
  busy = 0;
  retired = false;
  readonly exited: Promise<ChildExit>;
  #end: (exit: ChildExit) => void = () => {};
  constructor(
    readonly opts: ChildProcessOptions,
    readonly described: PluginDescriptor,
  ) {
    this.exited = new Promise((resolve) => {
      this.#end = resolve;
    });
  }
  async define(): Promise<string> {
    return this.described.id;
  }
  async configure(): Promise<PluginDescriptor> {
    return this.described;
  }
  /** A call given up on still in its grace (settled()); set by a test. */
  settling: Promise<void> | undefined;
  settled(): Promise<void> | undefined {
    return this.settling;
  }
  async call(): Promise<ChildAnswer> {
    return { value: this.pid };
  }
  /** The process dies on its own. */
  crash(code: number): void {
    this.end({ code, signal: null });
  }
  kill(because: string): void {
    this.end({ code: null, signal: "SIGKILL", killedBecause: because });
  }
  retire(): void {
    this.retired = true;
    this.end({ code: 0, signal: null, retired: true });
  }
  end(exit: ChildExit): void {
    if (!this.alive) return;
    this.alive = false;
    this.#end(exit);
  }
}
