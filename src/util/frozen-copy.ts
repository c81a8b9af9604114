/**
 * A deeply frozen copy of plain data, for handing the daemon's data to a plugin: whatever
 * the plugin does to its copy (assigning fields, pushing to arrays, writing into bytes)
 * cannot reach the daemon's original or another plugin's copy.
 *
 * Typed arrays cannot be frozen (Object.freeze throws on one with elements), so the copy is
 * what protects them: every call gets bytes of its own. structuredClone copies exactly
 * the plain data that crosses this boundary (and would cross a worker boundary later);
 * a function or class instance in it is a bug and throws.
 */
export function frozenCopy<T>(value: T): T {
  return deepFreeze(structuredClone(value));
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || ArrayBuffer.isView(value) || Object.isFrozen(value)) {
    return value;
  }
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
