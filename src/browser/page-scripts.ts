/**
 * Scripts that run inside the page, as source text: the project compiles without the DOM
 * library (it is a daemon), so the page side is plain JavaScript, and values cross in as
 * JSON literals.
 */

/** A pattern that crosses into the page as plain data. */
export interface Pattern {
  readonly source: string;
  readonly flags: string;
  readonly literal: boolean;
}

export function pattern(p: string | RegExp): Pattern {
  return typeof p === "string"
    ? { source: p, flags: "", literal: true }
    : { source: p.source, flags: p.flags.replace("g", ""), literal: false };
}

/** `matches(p, text)` in the page: a literal is a case-insensitive "contains", a pattern a RegExp test. */
const MATCHES = `function matches(p, text) {
  if (!p) return true;
  return p.literal ? text.toLowerCase().includes(p.source.toLowerCase()) : new RegExp(p.source, p.flags).test(text);
}`;

/** What a person clicks. */
const CLICKABLE =
  "button, a[href], input[type=submit], input[type=button], input[type=image], [role=button], [onclick], label, summary";

/**
 * An expression for waitForFunction: the first visible clickable element whose label
 * (trimmed, spaces collapsed) matches; a literal must equal the label (case-insensitive).
 */
export function findClickableByText(p: Pattern): string {
  return `(() => {
  const p = ${JSON.stringify(p)};
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
  };
  for (const el of document.querySelectorAll(${JSON.stringify(CLICKABLE)})) {
    const raw = el instanceof HTMLInputElement ? (el.value || el.alt || "") : (el.innerText || el.textContent || "");
    const label = raw.replace(/\\s+/g, " ").trim();
    const hit = p.literal ? label.toLowerCase() === p.source.toLowerCase() : new RegExp(p.source, p.flags).test(label);
    if (hit && visible(el)) return el;
  }
  return null;
})()`;
}

/** An expression for waitForFunction: the URL and the visible text match (either may be absent). */
export function urlAndText(url: Pattern | undefined, text: Pattern | undefined): string {
  return `(() => {
  ${MATCHES}
  return matches(${JSON.stringify(url ?? null)}, location.href) &&
    matches(${JSON.stringify(text ?? null)}, document.body ? document.body.innerText : "");
})()`;
}

export const BODY_TEXT = `document.body ? document.body.innerText : ""`;

/**
 * Masks field values and every text node showing one of `raw` (the secrets), before a
 * failure screenshot. Runs in an isolated world, so the portal's scripts never see `raw`.
 */
export function maskSecrets(raw: readonly string[]): string {
  return `(() => {
  const raw = ${JSON.stringify(raw)};
  const keep = ["checkbox", "radio", "submit", "button", "hidden", "image", "reset"];
  for (const el of document.querySelectorAll("input, textarea")) {
    if (el.value !== "" && !keep.includes(el.type)) el.value = "***";
  }
  const walker = document.createTreeWalker(document.body || document.documentElement, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n !== null; n = walker.nextNode()) {
    let text = n.nodeValue || "";
    for (const secret of raw) text = text.split(secret).join("***");
    if (text !== n.nodeValue) n.nodeValue = text;
  }
})()`;
}

/** Controls a person presses to move on (labels are not: they tick boxes). */
export const PRESSABLE =
  "button, a[href], input[type=submit], input[type=button], input[type=image], [role=button], [onclick]";

/**
 * An expression describing the rendered page for the terms walker: every visible pressable
 * control (its index in `querySelectorAll(PRESSABLE)`, label, form, whether it is a link
 * that only leads elsewhere), every visible field's attributes, and the checkboxes.
 */
export const DESCRIBE_TERMS_PAGE = `(() => {
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
  };
  const formOf = (el) => (el.form ? Array.prototype.indexOf.call(document.forms, el.form) : (el.closest("form") ? Array.prototype.indexOf.call(document.forms, el.closest("form")) : -1));
  const controls = [];
  const all = document.querySelectorAll(${JSON.stringify(PRESSABLE)});
  for (let i = 0; i < all.length && controls.length < 300; i++) {
    const el = all[i];
    if (!visible(el)) continue;
    const text = el instanceof HTMLInputElement ? (el.value || el.alt || "") : (el.innerText || el.textContent || "");
    const label = (text || el.getAttribute("aria-label") || el.title || "").replace(/\\s+/g, " ").trim().slice(0, 200);
    controls.push({ index: i, label, form: formOf(el), link: el.tagName === "A" });
  }
  const fields = [];
  for (const el of document.querySelectorAll("input, textarea, select")) {
    if (!visible(el)) continue;
    fields.push({
      type: (el.getAttribute("type") || (el.tagName === "INPUT" ? "text" : el.tagName.toLowerCase())).toLowerCase(),
      name: el.getAttribute("name") || "",
      id: el.id || "",
      autocomplete: el.getAttribute("autocomplete") || "",
      form: formOf(el),
    });
  }
  return { url: location.href, controls, fields };
})()`;

/** Ticks every unticked visible checkbox of form `form` (-1: of the whole page), as a person would; returns how many. */
export function tickCheckboxes(form: number): string {
  return `(() => {
  const scope = ${form} >= 0 ? document.forms[${form}] : document;
  let n = 0;
  for (const box of scope.querySelectorAll("input[type=checkbox]")) {
    const r = box.getBoundingClientRect();
    if (!box.checked && !box.disabled && (r.width > 0 || box.labels.length > 0)) { box.click(); n++; }
  }
  return n;
})()`;
}

/** Selects the focused field's text, so inserted text replaces it. */
export const SELECT_ACTIVE = `(() => { const el = document.activeElement; if (el && typeof el.select === "function") el.select(); })()`;

/** Run before any script of every document: no service workers, no shared workers. */
export const NO_BACKGROUND_WORKERS = `(() => {
  try { Object.defineProperty(Navigator.prototype, "serviceWorker", { get: () => undefined, configurable: false }); } catch (e) {}
  try { Object.defineProperty(window, "SharedWorker", { value: undefined, writable: false, configurable: false }); } catch (e) {}
})()`;
