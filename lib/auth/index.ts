export { resolveCredentials, authorityHosts, authorityAliases, ewsScopes, exchangeOnlineDomains } from "./credentials.js";
export type { Credentials, PasswordCredentials, OAuthCredentials, OAuthCloud, AppSecret, CredentialOverrides } from "./credentials.js";
export { authenticatedRequest } from "./request.js";
export { TokenCache } from "./oauth.js";
export { ntlmChallenge } from "./ntlm.js";
export { Secret } from "./secret.js";
export { SecretBook } from "./secret-book.js";
