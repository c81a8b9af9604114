import { Parser } from "htmlparser2";
import type { FormInput, HtmlForm } from "../helper-api/context.ts";

/**
 * Finds the forms of a portal page the way a browser would submit them, with a tolerant
 * parser (portal HTML is often broken). Kept: every named, enabled control: input (any
 * type; checkbox and radio with `checked`, value "on" when absent, as browsers send),
 * select (its selected option, else the first; one entry per selected option for
 * `multiple`), textarea (its text), button (type submit by default). Controls outside a
 * form join it through their `form="id"` attribute. Disabled controls are left out: a
 * browser never submits them. `<base href>` is honoured for relative actions.
 */

interface Option {
  value: string;
  selected: boolean;
  disabled: boolean;
}

interface OpenSelect {
  name: string;
  multiple: boolean;
  formId: string | undefined;
  options: Option[];
  currentOption:
    | { attrValue: string | undefined; text: string; selected: boolean; disabled: boolean }
    | undefined;
}

interface FormBuilder {
  attrs: Record<string, string>;
  inputs: FormInput[];
}

function resolve(href: string, base: string): string | undefined {
  try {
    return new URL(href, base).href;
  } catch {
    return undefined;
  }
}

const collapse = (s: string): string => s.replace(/\s+/g, " ").trim();

/** All forms in `html`, with actions resolved against `baseUrl` (the page URL). */
export function parseForms(html: string, baseUrl: string): HtmlForm[] {
  const pageUrl = baseUrl.replace(/#.*$/, "");
  let documentBase = pageUrl;
  let sawBase = false;
  const forms: FormBuilder[] = [];
  const byId = new Map<string, FormBuilder>();
  const orphans: { formId: string; input: FormInput }[] = [];
  let current: FormBuilder | undefined;
  let select: OpenSelect | undefined;
  let textarea: { name: string; formId: string | undefined; text: string } | undefined;

  const add = (input: FormInput, formId: string | undefined): void => {
    if (formId !== undefined && formId !== "") orphans.push({ formId, input });
    else current?.inputs.push(input);
  };

  const parser = new Parser(
    {
      onopentag(tag, attrs) {
        const formId = attrs.form;
        const disabled = attrs.disabled !== undefined;
        if (tag === "base" && !sawBase && attrs.href !== undefined) {
          sawBase = true;
          documentBase = resolve(attrs.href, pageUrl) ?? pageUrl;
        } else if (tag === "form" && current === undefined) {
          current = { attrs, inputs: [] };
          forms.push(current);
          if (attrs.id !== undefined) byId.set(attrs.id, current);
        } else if (tag === "input" && attrs.name && !disabled) {
          const type = (attrs.type ?? "text").toLowerCase();
          if (type === "checkbox" || type === "radio") {
            add(
              { name: attrs.name, type, value: attrs.value ?? "on", checked: attrs.checked !== undefined },
              formId,
            );
          } else {
            add({ name: attrs.name, type, value: attrs.value ?? "" }, formId);
          }
        } else if (tag === "button" && attrs.name && !disabled) {
          add(
            { name: attrs.name, type: (attrs.type ?? "submit").toLowerCase(), value: attrs.value ?? "" },
            formId,
          );
        } else if (tag === "select" && attrs.name && !disabled) {
          select = {
            name: attrs.name,
            multiple: attrs.multiple !== undefined,
            formId,
            options: [],
            currentOption: undefined,
          };
        } else if (tag === "option" && select) {
          select.currentOption = {
            attrValue: attrs.value,
            text: "",
            selected: attrs.selected !== undefined,
            disabled,
          };
        } else if (tag === "textarea" && attrs.name && !disabled) {
          textarea = { name: attrs.name, formId, text: "" };
        }
      },
      ontext(text) {
        if (select?.currentOption) select.currentOption.text += text;
        if (textarea) textarea.text += text;
      },
      onclosetag(tag) {
        if (tag === "form") current = undefined;
        else if (tag === "option" && select?.currentOption) {
          const o = select.currentOption;
          select.options.push({
            value: o.attrValue ?? collapse(o.text),
            selected: o.selected,
            disabled: o.disabled,
          });
          select.currentOption = undefined;
        } else if (tag === "select" && select) {
          for (const value of selectedValues(select))
            add({ name: select.name, type: "select", value }, select.formId);
          select = undefined;
        } else if (tag === "textarea" && textarea) {
          // HTML drops one newline right after <textarea>.
          add(
            { name: textarea.name, type: "textarea", value: textarea.text.replace(/^\r?\n/, "") },
            textarea.formId,
          );
          textarea = undefined;
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();

  for (const { formId, input } of orphans) byId.get(formId)?.inputs.push(input);

  return forms.map((f) => {
    const rawAction = f.attrs.action?.trim() ?? "";
    const action = rawAction === "" ? pageUrl : (resolve(rawAction, documentBase) ?? pageUrl);
    const method = f.attrs.method?.trim().toLowerCase() === "post" ? "POST" : "GET";
    return {
      action,
      method,
      ...(f.attrs.id === undefined ? {} : { id: f.attrs.id }),
      ...(f.attrs.name === undefined ? {} : { name: f.attrs.name }),
      inputs: f.inputs,
      pageUrl,
    };
  });
}

function selectedValues(select: OpenSelect): string[] {
  const enabled = select.options.filter((o) => !o.disabled);
  const chosen = enabled.filter((o) => o.selected);
  if (select.multiple) return chosen.map((o) => o.value);
  // A single select shows its last `selected` option, or the first one when none is marked.
  const pick = chosen.at(-1) ?? enabled[0];
  return pick ? [pick.value] : [];
}
