/**
 * The daemon's own D-Bus API: one object on the system bus under a reverse-DNS name of the
 * project's own. Versioned in the name (`…Daemon1`), as D-Bus APIs are, so an incompatible
 * change ships as `Daemon2` next to it instead of breaking callers.
 */
export const API_BUS_NAME = "io.github.hotspot_helper.Daemon1";
export const API_OBJECT_PATH = "/io/github/hotspot_helper/Daemon1";
export const API_INTERFACE = "io.github.hotspot_helper.Daemon1";

/** Error names the API answers with; the message always starts with an HH_* code. */
export const API_ERRORS = {
  invalidArgs: "org.freedesktop.DBus.Error.InvalidArgs",
  accessDenied: "org.freedesktop.DBus.Error.AccessDenied",
  unknownMethod: "org.freedesktop.DBus.Error.UnknownMethod",
  noSuchSession: `${API_INTERFACE}.Error.NoSuchSession`,
  notSupported: "org.freedesktop.DBus.Error.NotSupported",
  failed: "org.freedesktop.DBus.Error.Failed",
} as const;

/** Methods anyone may call: they only read. */
const READ_METHODS = ["GetStatus", "ListNetworks", "ListSessions", "ListPlugins"] as const;
/** Methods that change something: root or a user with an active local session only. */
export const ACT_METHODS = ["Rescan", "Logoff", "ReloadPlugins"] as const;
export type ApiMethod = (typeof READ_METHODS)[number] | (typeof ACT_METHODS)[number];

/** Input signature of each method; a call with any other signature is InvalidArgs. */
export const IN_SIGNATURES: Readonly<Record<ApiMethod, string>> = {
  GetStatus: "",
  ListNetworks: "",
  ListSessions: "",
  ListPlugins: "",
  Rescan: "",
  Logoff: "s",
  ReloadPlugins: "",
};

export const OUT_SIGNATURES: Readonly<Record<ApiMethod, string>> = {
  GetStatus: "a{sv}",
  ListNetworks: "aa{sv}",
  ListSessions: "aa{sv}",
  ListPlugins: "aa{sv}",
  Rescan: "u",
  Logoff: "u",
  ReloadPlugins: "u",
};

/**
 * Introspection data, written by hand so that every signal is declared (clients such as
 * dbus-next and gdbus wire signals from it) and so each member documents its dictionary keys.
 */
export const API_INTROSPECTION = `<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">
<node>
  <interface name="${API_INTERFACE}">
    <!-- version s, pid u, startedAt t (epoch ms), source s, plugins as, devices as -->
    <method name="GetStatus"><arg name="status" type="a{sv}" direction="out"/></method>
    <!-- one dict per access point: device s, ssid s, ssidHex s, bssid s, strength u, frequency u,
         security s, provider s ("" when unclaimed), providerName s, confidence s,
         claims a(sss) (plugin id, display name, confidence; best first) -->
    <method name="ListNetworks"><arg name="networks" type="aa{sv}" direction="out"/></method>
    <!-- one dict per Wi-Fi device with a session: device s, state s, ssid s, ssidHex s, bssid s,
         provider s, reason s, since t; when known: authenticatedAt t, expiresAt t (epoch ms),
         bytesRemaining t, canExtend b; in PresentingUI: uiUrl s (the page a person must open); providerName s (the plugin's display name) -->
    <method name="ListSessions"><arg name="sessions" type="aa{sv}" direction="out"/></method>
    <!-- one dict per loaded plugin: id s, state s (idle, starting, ready, backoff, crashed,
         quarantined; in-process when plugins are not isolated), restarts u, crashes u;
         lastError s when its process failed -->
    <method name="ListPlugins"><arg name="plugins" type="aa{sv}" direction="out"/></method>
    <!-- asks every Wi-Fi device for a fresh scan; answers how many devices scanned -->
    <method name="Rescan"><arg name="devices" type="u" direction="out"/></method>
    <!-- logs off the session on one device ("" = every device); answers how many -->
    <method name="Logoff">
      <arg name="device" type="s" direction="in"/>
      <arg name="loggedOff" type="u" direction="out"/>
    </method>
    <!-- reloads plugins from disk; answers how many loaded -->
    <method name="ReloadPlugins"><arg name="plugins" type="u" direction="out"/></method>
    <signal name="NetworksChanged"><arg name="count" type="u"/></signal>
    <signal name="SessionsChanged"><arg name="sessions" type="aa{sv}"/></signal>
    <!-- a plugin needs a person (captcha, payment, SMS code): the provider's display name and
         the portal page to open; the session stays PresentingUI until the probe says online -->
    <signal name="UserActionRequired">
      <arg name="device" type="s"/>
      <arg name="ssid" type="s"/>
      <arg name="providerName" type="s"/>
      <arg name="url" type="s"/>
    </signal>
  </interface>
  <interface name="org.freedesktop.DBus.Introspectable">
    <method name="Introspect"><arg name="xml" type="s" direction="out"/></method>
  </interface>
  <interface name="org.freedesktop.DBus.Peer">
    <method name="Ping"/>
    <method name="GetMachineId"><arg name="machine_uuid" type="s" direction="out"/></method>
  </interface>
</node>
`;
