/**
 * The per-device session states, named after NEHotspotHelper's state machine so plugin
 * authors who know Apple's model recognise them. Unlike Apple, `Failure` never disables
 * auto-join: it records why and the daemon backs off.
 */
export const SESSION_STATES = [
  "Inactive",
  "Evaluating",
  "Authenticating",
  "PresentingUI",
  "Authenticated",
  "Maintaining",
  "LoggingOff",
  "Failure",
] as const;
export type SessionState = (typeof SESSION_STATES)[number];

/**
 * Allowed transitions; anything else is a bug in the daemon and throws. Evaluating →
 * Authenticated is a saved session resumed (the portal still lets us through after a
 * restart or a reconnect), which Apple's machine reaches through its helper cache.
 */
const NEXT: Readonly<Record<SessionState, readonly SessionState[]>> = {
  Inactive: ["Evaluating", "Inactive"],
  Evaluating: ["Authenticating", "Authenticated", "Inactive", "Failure", "Evaluating"],
  Authenticating: ["Authenticating", "Authenticated", "PresentingUI", "Evaluating", "Failure", "Inactive"],
  PresentingUI: ["Authenticated", "Authenticating", "Inactive", "Failure"],
  Authenticated: ["Maintaining", "LoggingOff", "Inactive", "Authenticated"],
  Maintaining: ["Authenticated", "Authenticating", "Evaluating", "LoggingOff", "Inactive", "Failure"],
  LoggingOff: ["Inactive"],
  Failure: ["Authenticating", "Evaluating", "Inactive"],
};

export function canTransition(from: SessionState, to: SessionState): boolean {
  return NEXT[from].includes(to);
}
