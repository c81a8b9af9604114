import type { FormHelper, HtmlForm, HttpClient, HttpResponse } from "../helper-api/context.ts";
import { parseForms } from "./form-parse.ts";

/**
 * The form helper on a plugin's context: load a portal page, find its forms, submit one
 * as a browser would (hidden fields and defaults kept), through the plugin's HttpClient,
 * so cookies are shared and the credential guard sees every request.
 */

export const FORM_MAX_REDIRECTS = 10;

const NEVER_SUBMITTED = new Set(["button", "reset", "file", "image"]);

/**
 * The name/value pairs a browser would send for `form` after the user typed `values`:
 * text-like and hidden defaults, checked checkboxes and radios, the first named submit
 * button; then each entry of `values` replaces every field of that name (at the first one's
 * place) or is appended. Naming an unchecked checkbox or radio in `values` checks it, and
 * the value sent is the one given.
 */
export function formFields(
  form: HtmlForm,
  values: Readonly<Record<string, string>> = {},
): [string, string][] {
  const fields: [string, string][] = [];
  let submitTaken = false;
  const overridden = new Set(Object.keys(values));
  for (const input of form.inputs) {
    if (input.type === "submit") {
      if (!submitTaken) fields.push([input.name, input.value]);
      submitTaken = true;
    } else if (input.type === "checkbox" || input.type === "radio") {
      if (input.checked === true || overridden.has(input.name)) fields.push([input.name, input.value]);
    } else if (!NEVER_SUBMITTED.has(input.type)) {
      fields.push([input.name, input.value]);
    }
  }
  const out: [string, string][] = [];
  const placed = new Set<string>();
  for (const [name, value] of fields) {
    const override = values[name];
    if (override === undefined) out.push([name, value]);
    else if (!placed.has(name)) {
      out.push([name, override]);
      placed.add(name);
    }
  }
  for (const [name, value] of Object.entries(values)) if (!placed.has(name)) out.push([name, value]);
  return out;
}

export function createFormHelper(http: HttpClient): FormHelper {
  return {
    parse: parseForms,

    async load(url) {
      const page = await http.get(url, { followRedirects: true, maxRedirects: FORM_MAX_REDIRECTS });
      return { page, forms: parseForms(page.body, page.url) };
    },

    submit(form, values = {}, options = {}): Promise<HttpResponse> {
      const params = new URLSearchParams(formFields(form, values));
      // Some portals check Referer/Origin as a cheap CSRF defence.
      const headers: Record<string, string> = { referer: form.pageUrl };
      const redirects = {
        followRedirects: options.followRedirects !== false,
        maxRedirects: FORM_MAX_REDIRECTS,
      };
      if (form.method === "GET") {
        // HTML replaces the action's query with the form's fields for GET.
        const target = new URL(form.action);
        target.search = params.toString();
        target.hash = "";
        return http.get(target, { ...redirects, headers });
      }
      headers.origin = new URL(form.pageUrl).origin;
      return http.post(form.action, params, { ...redirects, headers });
    },
  };
}
