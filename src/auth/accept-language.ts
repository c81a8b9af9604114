/**
 * Accept-Language from the user's POSIX locale, so a portal shows the pages (and the terms)
 * in the language the user reads, as a browser on the same desktop would. The precedence
 * is POSIX's for messages: LC_ALL, then LC_MESSAGES, then LANG; the first set one wins.
 * `de_DE.UTF-8` → `de-DE,de;q=0.9,en;q=0.8`; `C`, `POSIX`, unset or unreadable → `en`.
 * English stays last as a fallback, as browsers configured for another language send it.
 */

const LANGUAGE = /^[a-z]{2,3}$/;
const REGION = /^(?:[a-z]{2}|\d{3})$/;

export function acceptLanguageFor(env: Readonly<Record<string, string | undefined>>): string {
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v.trim() !== "");
  if (locale === undefined) return "en";
  // language[_territory][.codeset][@modifier]
  const [tag = ""] = locale.trim().split(/[.@]/);
  const [rawLanguage = "", rawRegion] = tag.split(/[_-]/);
  const language = rawLanguage.toLowerCase();
  if (!LANGUAGE.test(language)) return "en";
  const region = rawRegion?.toLowerCase();
  const tags: string[] = [];
  if (region !== undefined && REGION.test(region)) tags.push(`${language}-${region.toUpperCase()}`);
  tags.push(language);
  if (language !== "en") tags.push("en");
  return tags.map((t, i) => (i === 0 ? t : `${t};q=${(1 - i / 10).toFixed(1)}`)).join(",");
}

let fromProcess: string | undefined;

/** The process's own locale, read once (the environment does not change under a running daemon). */
export function processAcceptLanguage(): string {
  fromProcess ??= acceptLanguageFor(process.env);
  return fromProcess;
}
