import { Parser } from "htmlparser2";
import type { HtmlForm } from "../../helper-api/context.ts";
import { parseForms } from "../form-parse.ts";
import { findPageMoves, type PageMove } from "../page-moves.ts";

/**
 * A terms page as a person would read it before clicking: its forms with their buttons and
 * what each button says, its links with their text, where it moves you on its own (meta
 * refresh, script), its inline scripts (for buttons that call a function), and whether it
 * asks for something only a person can give (a password, a card number, an e-mail
 * address). Android's CaptivePortalLogin and Apple's assistant show exactly this to a
 * person; the walker reads it instead.
 *
 * Hostile pages are bounded: only the first MAX_FORMS forms (MAX_BUTTONS_PER_FORM buttons
 * each) and MAX_LINKS links are kept, labels are cut at MAX_LABEL_CHARS, and
 * MAX_SCRIPT_CHARS of script text is kept.
 */

export const MAX_FORMS = 50;
export const MAX_LINKS = 200;
/**
 * Buttons kept per form. A real terms form has a handful; every kept button costs the chooser
 * a label reading and a script plan, so a page of thousands of buttons would otherwise cost
 * seconds (found by fuzzing: 16,000 buttons in one form took about 3 s to choose from).
 */
export const MAX_BUTTONS_PER_FORM = 20;
export const MAX_LABEL_CHARS = 200;
const MAX_SCRIPT_CHARS = 128 * 1024;

/** What a field asks for that the walker cannot invent. */
export type PersonalField = "password" | "card" | "email";

/** A control that does something when pressed. */
export interface TermsButton {
  /** `submit` (a submit button or input), `button` (type="button": only its script acts), `image`. */
  readonly type: "submit" | "button" | "image";
  readonly name?: string;
  readonly value: string;
  /** What a person reads on it: the button's text, else its value, alt or title. */
  readonly label: string;
  readonly onclick?: string;
  /** The button's own `formaction` (absolute) and `formmethod`, which override the form's. */
  readonly formAction?: string;
  readonly formMethod?: "GET" | "POST";
}

export interface TermsForm {
  /** Position among the page's forms (`document.forms[index]`). */
  readonly index: number;
  /** The form as a browser would submit it (fields, defaults, action, method). */
  readonly form: HtmlForm;
  readonly buttons: readonly TermsButton[];
  /** Element id → field name, for `getElementById(id).value = …`. */
  readonly fieldIds: ReadonlyMap<string, string>;
  /** Checkboxes (by name) a terms form gates its button on: all are ticked when accepting. */
  readonly checkboxes: readonly string[];
  /** Fields only a person can fill. */
  readonly asks: readonly PersonalField[];
  /** Visible text inside the form, cut short: labels such as "I accept the terms". */
  readonly text: string;
}

export interface TermsLink {
  /** Absolute http(s) URL; javascript: links keep their code in `script`. */
  readonly url?: string;
  readonly script?: string;
  readonly label: string;
  readonly onclick?: string;
}

export interface TermsPage {
  readonly url: string;
  readonly title: string;
  readonly forms: readonly TermsForm[];
  readonly links: readonly TermsLink[];
  readonly moves: readonly PageMove[];
  /** Inline script text (capped), to find the functions buttons call. */
  readonly scripts: string;
  /** The body's `onload` handler, which runs like a top-level script. */
  readonly onload?: string;
  /** How many forms and links the page really has (more than kept on hostile pages). */
  readonly counts: { readonly forms: number; readonly links: number };
}

const CARD =
  /(card.?num|cc.?num|ccnum|credit.?card|kreditkarte|carte.?bancaire|tarjeta|carta.?di.?credito|cvv|cvc|\bcsc\b)/i;
const EMAIL = /(^|[^a-z])e?-?mail/i;

/** What a field (its type, name, id and autocomplete attributes) asks for that only a person can give. */
export function personalField(attrs: Record<string, string>): PersonalField | undefined {
  const type = (attrs.type ?? "text").toLowerCase();
  if (type === "password") return "password";
  if (type === "hidden" || type === "submit" || type === "button" || type === "checkbox" || type === "radio")
    return undefined;
  const auto = (attrs.autocomplete ?? "").toLowerCase();
  const words = `${attrs.name ?? ""} ${attrs.id ?? ""} ${auto}`;
  if (auto.startsWith("cc-") || CARD.test(words)) return "card";
  if (type === "email" || auto === "email" || EMAIL.test(words)) return "email";
  return undefined;
}

const clip = (s: string): string => s.replace(/\s+/g, " ").trim().slice(0, MAX_LABEL_CHARS);

interface FormBuilder {
  id?: string;
  buttons: TermsButton[];
  fieldIds: Map<string, string>;
  checkboxes: string[];
  asks: Set<PersonalField>;
  text: string;
}

interface OpenButton {
  attrs: Record<string, string>;
  text: string;
  owner: FormBuilder | undefined;
  formAttr: string | undefined;
}

/** Reads `html` (the page at `url`). Never throws; a page with nothing on it reads as empty. */
export function readTermsPage(html: string, url: string): TermsPage {
  const builders: FormBuilder[] = [];
  const byId = new Map<string, FormBuilder>();
  const orphanButtons: { formId: string; button: TermsButton }[] = [];
  const links: TermsLink[] = [];
  let linkCount = 0;
  let current: FormBuilder | undefined;
  let button: OpenButton | undefined;
  let link: { attrs: Record<string, string>; text: string } | undefined;
  let inScript = false;
  let inTitle = false;
  let title = "";
  let scripts = "";
  let onload: string | undefined;
  let documentBase = url;
  let sawBase = false;

  const addButton = (b: TermsButton, owner: FormBuilder | undefined, formAttr: string | undefined) => {
    if (formAttr) {
      if (orphanButtons.length < MAX_BUTTONS_PER_FORM * MAX_FORMS)
        orphanButtons.push({ formId: formAttr, button: b });
    } else if (owner && owner.buttons.length < MAX_BUTTONS_PER_FORM) owner.buttons.push(b);
  };

  const parser = new Parser(
    {
      onopentag(tag, attrs) {
        if (tag === "base" && !sawBase && attrs.href !== undefined) {
          sawBase = true;
          try {
            documentBase = new URL(attrs.href, url).href;
          } catch {
            documentBase = url;
          }
        } else if (tag === "form" && current === undefined) {
          current = { buttons: [], fieldIds: new Map(), checkboxes: [], asks: new Set(), text: "" };
          builders.push(current);
          if (attrs.id !== undefined) byId.set(attrs.id, current);
        } else if (tag === "input") {
          const type = (attrs.type ?? "text").toLowerCase();
          const target = attrs.form ? byId.get(attrs.form) : current;
          const asks = personalField(attrs);
          if (asks && target) target.asks.add(asks);
          if (attrs.id && attrs.name && target) target.fieldIds.set(attrs.id, attrs.name);
          if (type === "checkbox" && attrs.name && attrs.disabled === undefined)
            target?.checkboxes.push(attrs.name);
          if (type === "submit" || type === "button" || type === "image") {
            const value = attrs.value ?? "";
            addButton(
              {
                type: type === "image" ? "image" : type === "button" ? "button" : "submit",
                ...(attrs.name ? { name: attrs.name } : {}),
                value,
                label: clip(value || attrs.alt || attrs.title || ""),
                ...(attrs.onclick ? { onclick: attrs.onclick } : {}),
                ...overrides(attrs, documentBase),
              },
              current,
              attrs.form,
            );
          }
        } else if (tag === "button") {
          button = { attrs, text: "", owner: current, formAttr: attrs.form };
        } else if (tag === "a" && attrs.href !== undefined) {
          link = { attrs, text: "" };
        } else if (tag === "img" && attrs.alt) {
          if (link) link.text += ` ${attrs.alt}`;
          if (button) button.text += ` ${attrs.alt}`;
        } else if (tag === "script") {
          inScript = attrs.src === undefined;
        } else if (tag === "title") {
          inTitle = true;
        } else if (tag === "body" && attrs.onload) {
          onload ??= attrs.onload.slice(0, MAX_SCRIPT_CHARS);
        }
      },
      ontext(text) {
        if (inScript) {
          if (scripts.length < MAX_SCRIPT_CHARS) scripts += text.slice(0, MAX_SCRIPT_CHARS - scripts.length);
          return;
        }
        if (inTitle) title += text;
        if (button && button.text.length < MAX_LABEL_CHARS) button.text += text;
        if (link && link.text.length < MAX_LABEL_CHARS) link.text += text;
        if (current && current.text.length < MAX_LABEL_CHARS * 4) current.text += ` ${text}`;
      },
      onclosetag(tag) {
        if (tag === "form") current = undefined;
        else if (tag === "script") {
          if (inScript) scripts += "\n";
          inScript = false;
        } else if (tag === "title") inTitle = false;
        else if (tag === "button" && button) {
          const a = button.attrs;
          const type = (a.type ?? "submit").toLowerCase();
          if (a.disabled === undefined && (type === "submit" || type === "button")) {
            addButton(
              {
                type: type === "button" ? "button" : "submit",
                ...(a.name ? { name: a.name } : {}),
                value: a.value ?? "",
                label: clip(button.text) || clip(a.value ?? a.title ?? ""),
                ...(a.onclick ? { onclick: a.onclick } : {}),
                ...overrides(a, documentBase),
              },
              button.owner,
              button.formAttr,
            );
          }
          button = undefined;
        } else if (tag === "a" && link) {
          linkCount++;
          if (links.length < MAX_LINKS) links.push(toLink(link.attrs, link.text, documentBase));
          link = undefined;
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();

  for (const { formId, button: b } of orphanButtons) {
    const owner = byId.get(formId);
    if (owner && owner.buttons.length < MAX_BUTTONS_PER_FORM) owner.buttons.push(b);
  }
  const parsed = parseForms(html, url);
  const forms: TermsForm[] = [];
  for (const [index, b] of builders.entries()) {
    const form = parsed[index];
    if (form === undefined || forms.length >= MAX_FORMS) break;
    forms.push({
      index,
      form,
      buttons: b.buttons,
      fieldIds: b.fieldIds,
      checkboxes: [...new Set(b.checkboxes)],
      asks: [...b.asks],
      text: clip(b.text),
    });
  }
  return {
    url,
    title: clip(title),
    forms,
    links,
    moves: findPageMoves(html, url),
    scripts,
    ...(onload === undefined ? {} : { onload }),
    counts: { forms: builders.length, links: linkCount },
  };
}

/** A submit button's `formaction` / `formmethod`, which a browser uses instead of the form's. */
function overrides(
  attrs: Record<string, string>,
  base: string,
): Pick<TermsButton, "formAction" | "formMethod"> {
  const out: { formAction?: string; formMethod?: "GET" | "POST" } = {};
  const action = attrs.formaction?.trim();
  if (action) {
    try {
      out.formAction = new URL(action, base).href;
    } catch {
      // an unparseable formaction leaves the form's own
    }
  }
  const method = attrs.formmethod?.trim().toLowerCase();
  if (method === "post" || method === "get") out.formMethod = method === "post" ? "POST" : "GET";
  return out;
}

function toLink(attrs: Record<string, string>, text: string, base: string): TermsLink {
  const href = (attrs.href ?? "").trim();
  const label = clip(text) || clip(attrs.title ?? attrs["aria-label"] ?? "");
  const onclick = attrs.onclick ? { onclick: attrs.onclick } : {};
  if (/^javascript:/i.test(href)) return { script: href.replace(/^javascript:/i, ""), label, ...onclick };
  try {
    const u = new URL(href, base);
    u.hash = "";
    if (href.startsWith("#") || (u.protocol !== "http:" && u.protocol !== "https:"))
      return { label, ...onclick };
    return { url: u.href, label, ...onclick };
  } catch {
    return { label, ...onclick };
  }
}
