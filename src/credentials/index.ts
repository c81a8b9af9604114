/** src/credentials: the per-user credential store and the ways to fill it. */

export {
  credentialFields,
  isEchoedField,
  type Prompter,
  parseCredentialText,
  promptCredentials,
  readAll,
} from "./input.ts";
export { withStoredCredentials } from "./merge.ts";
export {
  type CredentialStore,
  credentialStore,
  defaultCredentialsPath,
  readCredentials,
  type StoredCredentials,
  writeCredentials,
} from "./store.ts";
