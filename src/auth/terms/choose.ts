import type { HtmlForm } from "../../helper-api/context.ts";
import { intentScore, type LabelIntent, labelIntent } from "./labels.ts";
import { autoSubmitPlan, type FieldRef, type FormRef, planScript, type ScriptPlan } from "./onclick.ts";
import type { PersonalField, TermsButton, TermsForm, TermsPage } from "./page.ts";

/**
 * Picks what a person would press on a terms page: the control whose label says accept,
 * agree, connect or continue (never decline or cancel), with every checkbox of its form
 * ticked; else a link that says so; else where the page moves on its own. Forms that ask
 * for a password, a card number or an e-mail address are never submitted.
 *
 * `strong` actions are labelled as moving on (accept/connect/continue); weak ones (a
 * neutral button, a meta refresh, a script redirect) are taken only after the network has
 * been asked whether it is already online, so the walker never wanders off the portal.
 */

export type TermsAction =
  | {
      readonly kind: "submit";
      readonly form: HtmlForm;
      readonly values: Readonly<Record<string, string>>;
      readonly label: string;
      /** How the submit was found: a button, or a script read statically. */
      readonly via: "button" | "script";
    }
  | { readonly kind: "link"; readonly url: string; readonly label: string }
  | {
      readonly kind: "move";
      readonly url: string;
      readonly how: "meta-refresh" | "script";
      readonly delaySeconds?: number;
    };

export type TermsChoice =
  | {
      readonly found: true;
      readonly action: TermsAction;
      readonly strong: boolean;
      readonly intent: LabelIntent;
    }
  | {
      readonly found: false;
      /** `personal`: only forms asking for `asks`; `decline-only`; `script`: the accept control needs a browser; `nothing`. */
      readonly why: "personal" | "decline-only" | "script" | "nothing";
      readonly detail: string;
      readonly asks?: readonly PersonalField[];
    };

/** A meta refresh slower than this is a page that reloads itself, not a hand-on. */
const MAX_MOVE_DELAY_SECONDS = 10;
/** Above this many forms, a button without an accept/continue label is not pressed. */
const MAX_FORMS_FOR_UNLABELLED = 2;

interface Candidate {
  readonly action: TermsAction;
  readonly score: number;
  readonly intent: LabelIntent;
}

function findForm(page: TermsPage, ref: FormRef, own: TermsForm): TermsForm | undefined {
  switch (ref.by) {
    case "this":
      return own;
    case "index":
      return page.forms.find((f) => f.index === ref.index);
    case "name":
      return page.forms.find((f) => f.form.name === ref.name || f.form.id === ref.name);
    case "id":
      return page.forms.find((f) => f.form.id === ref.id);
  }
}

function fieldFor(
  page: TermsPage,
  ref: FieldRef,
  own: TermsForm,
): { form: TermsForm; name: string } | undefined {
  if (ref.by === "id") {
    for (const f of page.forms) {
      const name = f.fieldIds.get(ref.id);
      if (name !== undefined) return { form: f, name };
    }
    return undefined;
  }
  const form = findForm(page, ref.form, own);
  return form ? { form, name: ref.name } : undefined;
}

/** The form to send with only `button` as its submitter (browsers send just the one pressed). */
function pressed(form: HtmlForm, button: TermsButton | undefined): HtmlForm {
  return {
    ...form,
    ...(button?.formAction === undefined ? {} : { action: button.formAction }),
    ...(button?.formMethod === undefined ? {} : { method: button.formMethod }),
    inputs: form.inputs.filter(
      (i) =>
        i.type !== "submit" ||
        (button?.name !== undefined && i.name === button.name && i.value === button.value),
    ),
  };
}

function ticks(form: TermsForm): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of form.checkboxes) {
    const input = form.form.inputs.find((i) => i.name === name && i.type === "checkbox");
    out[name] = input?.value || "on";
  }
  return out;
}

/** The submission a script makes with no button pressed (a link's handler, an auto-submit), unless it asks for anything personal. */
function scriptSubmit(
  page: TermsPage,
  plan: Extract<ScriptPlan, { ok: true }>,
  own: TermsForm,
  label: string,
): TermsAction | undefined {
  const send = scripted(page, plan, own, undefined);
  if (!send || send.form.asks.length > 0) return undefined;
  return {
    kind: "submit",
    form: pressed(send.form.form, undefined),
    values: send.values,
    label,
    via: "script",
  };
}

/** A submit planned from a script: fields set, then the named form submitted. */
function scripted(
  page: TermsPage,
  plan: Extract<ScriptPlan, { ok: true }>,
  own: TermsForm,
  button: TermsButton | undefined,
): { form: TermsForm; values: Record<string, string>; button: TermsButton | undefined } | undefined {
  const target = plan.submit ? findForm(page, plan.submit, own) : own;
  if (!target) return undefined;
  const values = ticks(target);
  for (const set of plan.sets) {
    const field = fieldFor(page, set.field, own);
    if (!field || field.form !== target) continue;
    if (set.value === true) {
      const box = target.form.inputs.find((i) => i.name === field.name);
      values[field.name] = box?.value || "on";
    } else values[field.name] = set.value;
  }
  // A script's submit() sends no submitter; a submit button whose handler only set fields does.
  return { form: target, values, button: plan.submit ? undefined : button };
}

/**
 * The action a person would take on `page` (see the module comment), or why there is none.
 *
 * @example
 * ```ts
 * const choice = chooseTermsAction(readTermsPage(page.body, page.url));
 * if (!choice.found) return { confidence: "none", reason: choice.detail };
 * ```
 */
export function chooseTermsAction(page: TermsPage): TermsChoice {
  const candidates: Candidate[] = [];
  let declined = 0;
  const asks = new Set<PersonalField>();
  let scriptProblem: string | undefined;

  for (const f of page.forms) {
    if (f.asks.length > 0) {
      for (const a of f.asks) asks.add(a);
      continue;
    }
    for (const b of f.buttons) {
      const intent = labelIntent(b.label);
      if (intent === "decline") {
        declined++;
        continue;
      }
      let send:
        | { form: TermsForm; values: Record<string, string>; button: TermsButton | undefined }
        | undefined = {
        form: f,
        values: ticks(f),
        button: b,
      };
      let via: "button" | "script" = "button";
      if (b.onclick !== undefined) {
        const plan = planScript(b.onclick, page.scripts);
        if (plan.ok && (plan.submit || b.type !== "button")) {
          send = scripted(page, plan, f, b);
          via = "script";
        } else if (b.type === "button") {
          if (intentScore(intent) > 0)
            scriptProblem ??= `"${b.label}": ${plan.ok ? "its script does not submit a form" : plan.reason}`;
          send = undefined;
        }
        // A submit button whose handler cannot be read still submits in a browser (unless the
        // handler cancels it): the plain submission is the best reading.
      } else if (b.type === "button") send = undefined;
      if (!send || send.form.asks.length > 0) continue;
      // An unlabelled button is a guess worth making on a page with one or two forms (a bare
      // "OK" terms page), not on a page full of search boxes and polls.
      if (intentScore(intent) <= 0 && page.counts.forms > MAX_FORMS_FOR_UNLABELLED) continue;
      candidates.push({
        action: {
          kind: "submit",
          form: pressed(send.form.form, send.button),
          values: send.values,
          label: b.label,
          via,
        },
        score: intentScore(intent) + 1,
        intent,
      });
    }
  }

  for (const link of page.links) {
    const intent = labelIntent(link.label);
    if (intent === "decline") {
      declined++;
      continue;
    }
    if (intentScore(intent) <= 0) continue;
    const code = link.script ?? link.onclick;
    if (code !== undefined) {
      const own = page.forms[0];
      const plan = own ? planScript(code, page.scripts) : undefined;
      const action = own && plan?.ok && plan.submit ? scriptSubmit(page, plan, own, link.label) : undefined;
      if (action) {
        candidates.push({ action, score: intentScore(intent) + 1, intent });
        continue;
      }
      if (link.url === undefined) {
        scriptProblem ??= `"${link.label}": ${plan && !plan.ok ? plan.reason : "its script does not submit a form"}`;
        continue;
      }
    }
    if (link.url !== undefined && link.url !== page.url) {
      candidates.push({
        action: { kind: "link", url: link.url, label: link.label },
        score: intentScore(intent),
        intent,
      });
    }
  }

  for (const move of page.moves) {
    if (move.url === page.url) continue;
    if ((move.delaySeconds ?? 0) > MAX_MOVE_DELAY_SECONDS) continue;
    candidates.push({
      action: {
        kind: "move",
        url: move.url,
        how: move.kind,
        ...(move.delaySeconds === undefined ? {} : { delaySeconds: move.delaySeconds }),
      },
      score: 1.5,
      intent: "neutral",
    });
  }

  const own = page.forms[0];
  const auto = own ? autoSubmitPlan(`${page.scripts}\n${page.onload ?? ""}`) : undefined;
  const action = own && auto ? scriptSubmit(page, auto, own, "(submitted by the page's script)") : undefined;
  if (action) candidates.push({ action, score: 1.5, intent: "neutral" });

  let best: Candidate | undefined;
  for (const c of candidates) if (best === undefined || c.score > best.score) best = c;
  if (best) return { found: true, action: best.action, strong: best.score >= 2, intent: best.intent };
  if (asks.size > 0) {
    return {
      found: false,
      why: "personal",
      asks: [...asks],
      detail: `the page asks for ${[...asks].join(" and ")}`,
    };
  }
  if (scriptProblem !== undefined) return { found: false, why: "script", detail: scriptProblem };
  if (declined > 0)
    return { found: false, why: "decline-only", detail: "the page offers only to decline or cancel" };
  return {
    found: false,
    why: "nothing",
    detail: `no accept, continue or connect control among ${page.counts.forms} form(s) and ${page.counts.links} link(s)`,
  };
}
