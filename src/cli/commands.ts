import type { RegistryEntry } from "./command.ts";

/**
 * Every `hotspot` subcommand. Adding one is one line here plus its file exporting
 * `command: Command`; help, option parsing and error handling come from main.ts.
 */
export const commands: Readonly<Record<string, RegistryEntry>> = {
  list: {
    summary: "Show nearby Wi-Fi networks and which plugin would log in to each",
    load: () => import("./list.ts"),
  },
  daemon: {
    summary: "Run the daemon: follow NetworkManager and log in to claimed networks until SIGINT/SIGTERM",
    load: () => import("./daemon.ts"),
  },
  status: {
    summary: "Show whether the service is installed and running, and the daemon's portal sessions",
    load: () => import("./status.ts"),
  },
  logoff: {
    summary: "Ask the running daemon to log off the portal session on a device (or all)",
    load: () => import("./logoff.ts"),
  },
  agent: {
    summary: "Run in your desktop session: notify when a portal needs you, and open it on request",
    load: () => import("./agent.ts"),
  },
  portal: {
    summary: "Open the portal in a private browser window that uses the Wi-Fi link's address and DNS",
    load: () => import("./portal.ts"),
  },
  service: {
    summary: "Install or uninstall the systemd service and its D-Bus policy (as root)",
    load: () => import("./service.ts"),
  },
  demo: {
    summary: "Run the full cycle on simulated networks and loopback portals (what `npm start` runs)",
    load: () => import("./demo.ts"),
  },
  probe: {
    summary: "Detect a captive portal now: verdict, login page, WISPr parameters, RFC 8908 API data",
    load: () => import("./probe.ts"),
  },
  auth: {
    summary: "Log in once with one plugin (detect, evaluate, authenticate, verify) and show every request",
    load: () => import("./auth.ts"),
  },
  credentials: {
    summary: "Store, list or delete the credentials plugins log in with (kept readable by you only)",
    load: () => import("./credentials.ts"),
  },
  plugins: {
    summary: "List the loaded plugins and any that failed to load",
    load: () => import("./plugins.ts"),
  },
  harness: { summary: "List or serve simulated captive portals", load: () => import("./harness.ts") },
  plugin: {
    summary: "Create a plugin (new) or test one against a simulated portal (test)",
    subcommands: {
      new: { summary: "Create a working plugin folder to start from", load: () => import("./plugin-new.ts") },
      test: { summary: "Test a plugin against a simulated portal", load: () => import("./plugin-test.ts") },
    },
  },
};
