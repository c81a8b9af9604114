import type { AnyBehaviour } from "../fixture-schema.ts";
import { capportBehaviour } from "./capport.ts";
import { clickThroughBehaviour } from "./click-through.ts";
import { formLoginBehaviour } from "./form-login.ts";
import { hostileBehaviour } from "./hostile.ts";
import { jsOnlyBehaviour } from "./js-only.ts";
import { pageMovesBehaviour } from "./page-moves.ts";
import { redirectChainBehaviour } from "./redirect-chain.ts";
import { brokenProxyBehaviour, notCaptiveBehaviour } from "./simple.ts";
import { strictHeadersBehaviour } from "./strict-headers.ts";
import { tlsInterceptBehaviour } from "./tls-intercept.ts";
import { uamChapBehaviour } from "./uam-chap.ts";
import { wisprBehaviour } from "./wispr.ts";

/**
 * The code behind scenario files: a file's `behaviour` names one of these. Several files
 * may share one (wispr2 is `wispr` with version 2.0, expiring is `capport` with a short
 * session, flaky is `form-login` with faults). Add a module and list it here.
 */
export const behaviours: Readonly<Record<string, AnyBehaviour>> = {
  "not-captive": notCaptiveBehaviour,
  "broken-proxy": brokenProxyBehaviour,
  "click-through": clickThroughBehaviour,
  "form-login": formLoginBehaviour,
  wispr: wisprBehaviour,
  capport: capportBehaviour,
  "js-only": jsOnlyBehaviour,
  "uam-chap": uamChapBehaviour,
  hostile: hostileBehaviour,
  "strict-headers": strictHeadersBehaviour,
  "page-moves": pageMovesBehaviour,
  "redirect-chain": redirectChainBehaviour,
  "tls-intercept": tlsInterceptBehaviour,
};
