import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { labelIntent } from "../../../../src/auth/terms/labels.ts";

describe("labelIntent", () => {
  const accept: Record<string, string[]> = {
    en: ["Accept", "I agree", "I accept the terms", "OK"],
    de: ["Akzeptieren", "Ich stimme zu", "Einverstanden"],
    fr: ["Accepter", "J'accepte", "D'accord"],
    es: ["Aceptar", "Acepto los términos"],
    it: ["Accetto", "Accetta"],
    nl: ["Accepteren", "Akkoord", "Ik ga akkoord"],
    pt: ["Aceitar", "Aceito", "Concordo"],
  };
  const connect: Record<string, string[]> = {
    en: ["Connect", "Get online", "Free Wi-Fi"],
    de: ["Verbinden", "Jetzt verbinden"],
    fr: ["Se connecter", "Connexion"],
    es: ["Conectar", "Conectarse"],
    it: ["Connetti", "Connettiti"],
    nl: ["Verbinding maken", "Verbind"],
    pt: ["Conectar", "Navegar"],
  };
  const cont: Record<string, string[]> = {
    en: ["Continue", "Continue to the Internet", "Proceed"],
    de: ["Weiter", "Fortfahren"],
    fr: ["Continuer", "Suivant"],
    es: ["Continuar", "Siguiente"],
    it: ["Continua", "Avanti"],
    nl: ["Doorgaan", "Verder"],
    pt: ["Prosseguir", "Continuar"],
  };
  const decline: Record<string, string[]> = {
    en: ["Decline", "Cancel", "I do not agree", "Do not accept", "No thanks", "Log out"],
    de: ["Ablehnen", "Abbrechen", "Ich stimme nicht zu", "Nicht akzeptieren"],
    fr: ["Refuser", "Annuler", "Je n'accepte pas"],
    es: ["Rechazar", "Cancelar", "No acepto"],
    it: ["Rifiuta", "Annulla", "Non accetto"],
    nl: ["Weigeren", "Annuleren", "Niet akkoord"],
    pt: ["Recusar", "Cancelar", "Não aceito"],
  };
  for (const [want, table] of [
    ["accept", accept],
    ["connect", connect],
    ["continue", cont],
    ["decline", decline],
  ] as const) {
    for (const [lang, labels] of Object.entries(table)) {
      test(`${lang}: ${labels.join(", ")} read as ${want}`, () => {
        for (const label of labels) assert.equal(labelIntent(label), want, label);
      });
    }
  }

  test("links to the terms, help or privacy pages move nobody on", () => {
    for (const label of [
      "Terms of service",
      "Read the terms",
      "Help",
      "Datenschutz",
      "Conditions générales",
      "Privacy policy",
    ])
      assert.equal(labelIntent(label), "neutral", label);
  });

  test("refusal wins over the accept word it contains, and case and accents do not matter", () => {
    assert.equal(labelIntent("  DO NOT ACCEPT  "), "decline");
    assert.equal(labelIntent("ACCÉPTER »"), "accept");
    assert.equal(labelIntent(""), "neutral");
    assert.equal(labelIntent("Accept all cookies"), "neutral");
    assert.equal(labelIntent("Accept the terms and cookies"), "accept");
  });
});
