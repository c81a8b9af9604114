import { z } from "zod";
import { DISPLAY_NAME_MAX } from "./display-name-limit.ts";

export { DISPLAY_NAME_MAX, fitDisplayName } from "./display-name-limit.ts";

/** C0 and C1 controls, and line/paragraph separators: a name is one line of plain text. */
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

/** The displayName check (see display-name-limit.ts for the limit and why it is what it is). */
export const displayNameSchema = z
  .string()
  .refine((v) => v.trim().length > 0, "must not be empty")
  .refine((v) => [...v].length <= DISPLAY_NAME_MAX, `must be at most ${DISPLAY_NAME_MAX} characters`)
  .refine((v) => !CONTROL.test(v), "must be one line without control characters");
