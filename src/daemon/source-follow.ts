import type { JoinEvent, LeaveEvent, RoamEvent, ScanList, ScanSource } from "../scan/source.ts";

/** What the daemon does with each event of its scan source. */
export interface SourceHandlers {
  scan(list: ScanList): void;
  join(event: JoinEvent): void;
  leave(event: LeaveEvent): void;
  roam(event: RoamEvent): void;
  warning(error: Error): void;
  connectivity(): void;
}

/**
 * Subscribes the daemon to its source; the returned disposer removes exactly those
 * listeners, so a stopped daemon reacts to nothing its source still emits.
 */
export function followSource(source: ScanSource, h: SourceHandlers): () => void {
  const listeners = {
    scan: (l: ScanList) => h.scan(l),
    join: (e: JoinEvent) => h.join(e),
    leave: (e: LeaveEvent) => h.leave(e),
    roam: (e: RoamEvent) => h.roam(e),
    warning: (e: Error) => h.warning(e),
  };
  source.on("scan", listeners.scan);
  source.on("join", listeners.join);
  source.on("leave", listeners.leave);
  source.on("roam", listeners.roam);
  source.on("warning", listeners.warning);
  const stopConnectivity = source.onConnectivity?.(() => h.connectivity());
  return () => {
    source.off("scan", listeners.scan);
    source.off("join", listeners.join);
    source.off("leave", listeners.leave);
    source.off("roam", listeners.roam);
    source.off("warning", listeners.warning);
    stopConnectivity?.();
  };
}
