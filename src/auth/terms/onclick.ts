/**
 * Static reading of the small scripts terms pages hang on buttons and links: set a form
 * field, maybe tick a box, then submit the form. Controllers' web-passthrough pages press
 * their button this way (`buttonClicked` set to 4, then `submit()`), and MikroTik pages
 * submit a hidden form from a link. The code is read as text, never run. Recognised:
 *
 *   document.forms[0].f.value = "x"         document.forms['name'].elements['f'].value = 'x'
 *   document.forms.name.f.value = 1         document.name.f.value = "x"   (legacy named access)
 *   document.getElementById('id').value = "x"      this.form.f.value = "x"
 *   <any of those>.checked = true           <form reference>.submit()
 *   a call of a function without arguments defined in the page (`submitAction()`), one level
 *   `return true;` / `return false;` (ignored)
 *
 * Anything else (expressions, variables, conditions, fetch) is not guessed at: the result
 * says which statement could not be read, for a browser to handle.
 */

export type FormRef =
  | { readonly by: "index"; readonly index: number }
  | { readonly by: "name"; readonly name: string }
  | { readonly by: "id"; readonly id: string }
  | { readonly by: "this" };

export type FieldRef =
  | { readonly by: "name"; readonly form: FormRef; readonly name: string }
  | { readonly by: "id"; readonly id: string };

export type ScriptPlan =
  | {
      readonly ok: true;
      readonly sets: readonly { readonly field: FieldRef; readonly value: string | true }[];
      /** The form submitted; undefined when the script only set fields (a submit button then submits). */
      readonly submit?: FormRef;
    }
  | { readonly ok: false; readonly reason: string };

/** Longest script read; a button's handler is a line or two. */
const MAX_HANDLER_CHARS = 4096;

const IDENT = String.raw`[A-Za-z_$][\w$]*`;
const QUOTED = String.raw`(?:'([^'\\]*)'|"([^"\\]*)")`;
const FORM_PATTERNS: readonly [RegExp, (m: RegExpExecArray) => FormRef][] = [
  [/^document\.forms\[\s*(\d+)\s*\]/, (m) => ({ by: "index", index: Number(m[1]) })],
  [
    new RegExp(String.raw`^document\.forms\[\s*${QUOTED}\s*\]`),
    (m) => ({ by: "name", name: m[1] ?? m[2] ?? "" }),
  ],
  [new RegExp(String.raw`^document\.forms\.(${IDENT})`), (m) => ({ by: "name", name: m[1] ?? "" })],
  [
    new RegExp(String.raw`^document\.getElementById\(\s*${QUOTED}\s*\)`),
    (m) => ({ by: "id", id: m[1] ?? m[2] ?? "" }),
  ],
  [/^this\.form\b/, () => ({ by: "this" })],
  [
    new RegExp(String.raw`^document\.(?!forms\b|getElementById\b|location\b)(${IDENT})`),
    (m) => ({ by: "name", name: m[1] ?? "" }),
  ],
];

function formRef(text: string): { ref: FormRef; rest: string } | undefined {
  for (const [re, make] of FORM_PATTERNS) {
    const m = re.exec(text);
    if (m) return { ref: make(m), rest: text.slice(m[0].length) };
  }
  return undefined;
}

/** `.f`, `.elements['f']`, `.elements.f`, `['f']` after a form reference. */
function fieldName(rest: string): { name: string; rest: string } | undefined {
  const m =
    new RegExp(String.raw`^\.elements\[\s*${QUOTED}\s*\]`).exec(rest) ??
    new RegExp(String.raw`^\[\s*${QUOTED}\s*\]`).exec(rest);
  if (m) return { name: m[1] ?? m[2] ?? "", rest: rest.slice(m[0].length) };
  const dotted = new RegExp(String.raw`^(?:\.elements)?\.(${IDENT})`).exec(rest);
  if (dotted && dotted[1] !== "value" && dotted[1] !== "submit" && dotted[1] !== "checked")
    return { name: dotted[1] ?? "", rest: rest.slice(dotted[0].length) };
  return undefined;
}

/** A literal right-hand side: a quoted string, a number, or true/false. */
function literal(text: string): string | boolean | undefined {
  const t = text.trim();
  const q = new RegExp(`^${QUOTED}$`).exec(t);
  if (q) return q[1] ?? q[2] ?? "";
  if (/^-?\d+(\.\d+)?$/.test(t)) return t;
  if (t === "true") return true;
  if (t === "false") return false;
  return undefined;
}

/** Splits on `;` and newlines outside quotes; strips `//` comments. */
export function statements(code: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quote: string | undefined;
  for (let i = 0; i < code.length; i++) {
    const c = code[i] ?? "";
    if (quote) {
      cur += c;
      if (c === "\\") cur += code[++i] ?? "";
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
      cur += c;
    } else if (c === "/" && code[i + 1] === "/") {
      while (i < code.length && code[i] !== "\n") i++;
      out.push(cur);
      cur = "";
    } else if (c === ";" || c === "\n") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s !== "" && s !== "{" && s !== "}");
}

/** The body of `function name() { … }` in the page's scripts (braces balanced, quotes respected). */
export function functionBody(scripts: string, name: string): string | undefined {
  const m = new RegExp(String.raw`function\s+${name.replace(/\$/g, "\\$")}\s*\(\s*\)\s*\{`).exec(scripts);
  if (!m) return undefined;
  let depth = 1;
  let quote: string | undefined;
  const start = m.index + m[0].length;
  for (let i = start; i < scripts.length && i - start <= MAX_HANDLER_CHARS; i++) {
    const c = scripts[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return scripts.slice(start, i);
  }
  return undefined;
}

/** Reads `code` (an onclick handler or a javascript: URL) into fields to set and a form to submit. */
export function planScript(code: string, scripts = "", depth = 0): ScriptPlan {
  if (code.length > MAX_HANDLER_CHARS)
    return { ok: false, reason: "the script is too long to read statically" };
  const sets: { field: FieldRef; value: string | true }[] = [];
  let submit: FormRef | undefined;
  for (const raw of statements(code)) {
    const st = raw.replace(/^(void\s+|javascript:)/i, "").trim();
    if (/^return\s+(true|false)$/.test(st) || st === "return") continue;
    const call = new RegExp(String.raw`^(${IDENT})\(\s*\)$`).exec(st);
    if (call?.[1]) {
      const body = depth === 0 ? functionBody(scripts, call[1]) : undefined;
      if (body === undefined)
        return { ok: false, reason: `calls ${call[1]}(), which is not a simple function of the page` };
      const inner = planScript(body, scripts, depth + 1);
      if (!inner.ok) return { ok: false, reason: `${call[1]}(): ${inner.reason}` };
      sets.push(...inner.sets);
      if (inner.submit) submit = inner.submit;
      continue;
    }
    const byId = new RegExp(
      String.raw`^document\.getElementById\(\s*${QUOTED}\s*\)\.(value|checked)\s*=(?!=)(.*)$`,
    ).exec(st);
    if (byId) {
      const value = literal(byId[4] ?? "");
      if (value === undefined || value === false)
        return { ok: false, reason: `sets a field to a computed value: ${st}` };
      sets.push({
        field: { by: "id", id: byId[1] ?? byId[2] ?? "" },
        value: byId[3] === "checked" ? true : String(value),
      });
      continue;
    }
    const form = formRef(st);
    if (!form) return { ok: false, reason: `cannot read the statement: ${st.slice(0, 80)}` };
    if (/^\.submit\(\s*\)$/.test(form.rest)) {
      submit = form.ref;
      continue;
    }
    const field = fieldName(form.rest);
    const assign = field ? /^\.(value|checked)\s*=(?!=)(.*)$/.exec(field.rest) : null;
    if (!field || !assign) return { ok: false, reason: `cannot read the statement: ${st.slice(0, 80)}` };
    const value = literal(assign[2] ?? "");
    if (value === undefined || value === false)
      return { ok: false, reason: `sets a field to a computed value: ${st.slice(0, 80)}` };
    sets.push({
      field: { by: "name", form: form.ref, name: field.name },
      value: assign[1] === "checked" ? true : String(value),
    });
  }
  return { ok: true, sets, ...(submit ? { submit } : {}) };
}

/**
 * The statements of `code` that run when the page loads: function declarations (and the
 * bodies of any braces) are cut out, so a submit inside a button's function is not taken
 * for one the page does by itself.
 */
function topLevelStatements(code: string): string[] {
  let out = "";
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < code.length; i++) {
    const c = code[i] ?? "";
    if (quote) {
      if (depth === 0) out += c;
      if (c === "\\") {
        if (depth === 0) out += code[i + 1] ?? "";
        i++;
      } else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
      if (depth === 0) out += c;
    } else if (c === "{") depth++;
    else if (c === "}") {
      depth = Math.max(0, depth - 1);
      if (depth === 0) out += ";";
    } else if (depth === 0) out += c;
  }
  return statements(out).filter((st) => !/^(function|if|for|while|else|var|let|const)\b/.test(st));
}

/**
 * A form the page submits by itself on load (`document.redirect.submit()` in an inline
 * script or the body's onload, as gateways do to hand a client to an external portal),
 * with the fields the same code sets; undefined when there is none.
 */
export function autoSubmitPlan(code: string): Extract<ScriptPlan, { ok: true }> | undefined {
  const sets: { field: FieldRef; value: string | true }[] = [];
  for (const st of topLevelStatements(code.slice(0, MAX_HANDLER_CHARS * 4))) {
    const plan = planScript(st, "", 1);
    if (!plan.ok) continue;
    sets.push(...plan.sets);
    if (plan.submit) return { ok: true, sets, submit: plan.submit };
  }
  return undefined;
}
