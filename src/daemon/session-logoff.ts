import type { SessionCore } from "./session-core.ts";
import { logoffThroughPlugin } from "./session-steps.ts";

/**
 * Logs off on request: runs the plugin's logoff, then Inactive. False when there is no
 * session to log off (not Authenticated or Maintaining).
 */
export async function logoffSession(s: SessionCore): Promise<boolean> {
  const plugin = s.plugin;
  const network = s.network;
  const session = s.session;
  const previous = s.attach;
  if (!plugin || !network || !session || !previous || !["Authenticated", "Maintaining"].includes(s.state)) {
    return false;
  }
  s.maintain.clear();
  s.deps.records?.drop(s.device, network);
  // A maintain in flight would otherwise answer into LoggingOff (or Inactive) and try to put
  // the session back to Authenticated: cancel it and run the logoff under a signal of its own.
  previous.abort(new Error("logoff requested"));
  const attach = new AbortController();
  s.attach = attach;
  if (!plugin.definition.logoff) {
    // Nothing to call: the portal ends the session on its own (idle or time limit).
    s.session = undefined;
    s.to("Inactive", `${plugin.id} has no logoff; the portal will end the session itself`);
    return true;
  }
  s.to("LoggingOff", "logoff requested");
  await logoffThroughPlugin(s.deps, plugin, network, s.portal, session, attach.signal);
  // Left or switched networks meanwhile: that already ended this session.
  if (attach.signal.aborted) return true;
  s.session = undefined;
  s.to("Inactive", "logged off");
  return true;
}
