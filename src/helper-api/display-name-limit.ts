/**
 * The one limit on a plugin's displayName, used by the definition check at load, by the
 * renderers (`hotspot list`, `hotspot plugins`) and by the D-Bus API's decoder, so no
 * path shows a name the others would refuse. display-name.ts holds the zod check built on
 * it; this file stays free of zod because the renderers load it on every `hotspot list`.
 *
 * Counted in Unicode code points, not UTF-16 units, so "☕ Café" costs what it looks
 * like. 32 leaves room for an operator's brand ("Deutsche Bahn WIFIonICE") while a table
 * column stays readable; Apple asks for at most 15 but enforces nothing.
 */
export const DISPLAY_NAME_MAX = 32;

/**
 * A name cut to DISPLAY_NAME_MAX code points (the last one an ellipsis), for renderers
 * given a name that did not come through the definition check. Control characters are
 * left to the renderer's own escaping.
 */
export function fitDisplayName(name: string): string {
  const points = [...name];
  return points.length <= DISPLAY_NAME_MAX ? name : `${points.slice(0, DISPLAY_NAME_MAX - 1).join("")}…`;
}
