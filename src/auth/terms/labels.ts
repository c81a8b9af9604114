/**
 * What a button or link label asks for, in the languages terms pages are most often written
 * in (en, de, fr, es, it, nl, pt). A person picks "Accept" over "Decline" by reading; so do
 * we. Refusals are checked first and win: "Ich stimme nicht zu" contains "stimme … zu", and
 * "Do not accept" contains "accept".
 */

export type LabelIntent = "accept" | "connect" | "continue" | "decline" | "neutral";

/** Lower case, accents stripped, punctuation to spaces, so "Accépter »" reads "accepter". */
function normalizeLabel(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[’']/g, "'")
    .replace(/[^\p{L}\p{N}']+/gu, " ")
    .trim();
}

const DECLINE = [
  // en
  /\b(decline|reject|refuse|cancel|disagree|deny|back|log ?out|sign ?out|abort)\b/,
  /\b(do not|don't|dont|i do not|not) (accept|agree)\b/,
  /\bno,? thanks?\b/,
  // de
  /\b(ablehnen|abbrechen|zuruck|abmelden|verweigern)\b/,
  /\bnicht (akzeptieren|zustimmen|einverstanden)\b/,
  /\bstimme nicht zu\b/,
  // fr
  /\b(refuser|refuse|annuler|retour|deconnexion|decliner)\b/,
  /\b(je n'accepte pas|n'accepte pas|pas d'accord)\b/,
  // es / pt
  /\b(rechazar|cancelar|recusar|rejeitar|volver|voltar|sair)\b/,
  /\bno (acepto|aceptar|estoy de acuerdo)\b/,
  /\bnao (aceito|aceitar|concordo)\b/,
  // it
  /\b(rifiuta|rifiuto|annulla|indietro|esci)\b/,
  /\bnon (accetto|accettare|sono d'accordo)\b/,
  // nl
  /\b(weigeren|annuleren|afwijzen|terug|afmelden)\b/,
  /\bniet (akkoord|accepteren)\b/,
];

const ACCEPT = [
  /\b(accept|accepts|accepted|agree|agreed|i agree|i accept|ok|okay|yes)\b/,
  /\b(akzeptieren|akzeptiere|zustimmen|stimme zu|einverstanden|annehmen)\b/,
  /\b(accepter|j'accepte|accepte|d'accord)\b/,
  /\b(aceptar|acepto|de acuerdo|estoy de acuerdo)\b/,
  /\b(accetta|accetto|accettare|sono d'accordo)\b/,
  /\b(accepteren|accepteer|akkoord|ga akkoord|ik ga akkoord)\b/,
  /\b(aceitar|aceito|concordo|concordar)\b/,
];

const CONNECT = [
  /\b(connect|connect me|get online|go online|start browsing|start surfing|free (wi ?fi|internet|access)|login|log in|sign in|register|registrieren|inscrire|registrarse|registrati|registreren|registrar)\b/,
  /\b(verbinden|jetzt verbinden|lossurfen|los geht's|kostenlos surfen|ins internet)\b/,
  /\b(se connecter|connecter|connexion|acceder a internet)\b/,
  /\b(conectar|conectarse|conectese|navegar|acceder)\b/,
  /\b(connetti|connettiti|collegati|naviga|accedi)\b/,
  /\b(verbinding maken|verbind|internet op)\b/,
  /\b(conectar|conecte se|entrar|navegar)\b/,
];

const CONTINUE = [
  /\b(continue|continue to|proceed|next|go on|click here|here|submit|enter|start)\b/,
  /\b(weiter|fortfahren|weiter zum internet|hier)\b/,
  /\b(continuer|suivant|poursuivre|ici|valider)\b/,
  /\b(continuar|seguir|siguiente|aqui|enviar)\b/,
  /\b(continua|continuare|prosegui|avanti|qui|invia)\b/,
  /\b(doorgaan|verder|volgende|hier)\b/,
  /\b(continuar|prosseguir|seguinte|avancar|aqui)\b/,
];

/** Links to the terms themselves, help or privacy pages: reading them moves nobody on. */
const INFORMATION =
  /\b(terms|conditions|privacy|policy|cookies|imprint|help|faq|more|read|datenschutz|agb|nutzungsbedingungen|impressum|hilfe|mehr|lesen|confidentialite|aide|lire|terminos|condiciones|privacidad|ayuda|leer|termini|condizioni|aiuto|leggi|voorwaarden|privacybeleid|lees|termos|condicoes|privacidade|ajuda|ler)\b/;

const COOKIES = /\b(cookie|cookies)\b/;
const TERMS =
  /\b(terms|conditions|nutzungsbedingungen|agb|conditions|terminos|condiciones|termini|condizioni|voorwaarden|termos|condicoes)\b/;

/** What `label` (visible text, a button's value, an image's alt) asks for. */
export function labelIntent(label: string): LabelIntent {
  const text = normalizeLabel(label);
  if (text === "") return "neutral";
  if (DECLINE.some((re) => re.test(text))) return "decline";
  // "Accept cookies" answers a cookie banner, not the terms of use.
  if (COOKIES.test(text) && !TERMS.test(text)) return "neutral";
  if (ACCEPT.some((re) => re.test(text))) return "accept";
  if (CONNECT.some((re) => re.test(text))) return "connect";
  if (INFORMATION.test(text)) return "neutral";
  if (CONTINUE.some((re) => re.test(text))) return "continue";
  return "neutral";
}

/** How strongly an intent says "this moves me on": decline is never chosen. */
export function intentScore(intent: LabelIntent): number {
  switch (intent) {
    case "accept":
    case "connect":
      return 3;
    case "continue":
      return 2;
    case "neutral":
      return 0;
    case "decline":
      return -1;
  }
}
