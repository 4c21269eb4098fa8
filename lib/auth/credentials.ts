import { existsSync } from "node:fs";
import type { ProfileAuth } from "../config/profile.js";
import { makeFailure } from "../diagnosis/failure.js";
import { fail, succeed, type Outcome } from "../model/result.js";
import { Secret } from "./secret.js";
import { exchangeOnlineEwsHosts } from "../util/hosts.js";

export type OAuthCloud = "public" | "usgov" | "usgov-dod" | "china";

export interface PasswordCredentials {
  kind: "basic" | "ntlm";
  username: string;
  password: Secret;
}

/** The app's secret or certificate; `setting`: the app setting that holds it (its name, for advice; never the value). */
export type AppSecret = { kind: "client-secret"; secret: Secret; setting?: string } | { kind: "certificate"; pemPath: string; setting?: string };

export interface OAuthCredentials {
  kind: "oauth";
  tenantId: string;
  clientId: string;
  app: AppSecret;
  cloud: OAuthCloud;
  /** https://login.microsoftonline.com and its sovereign siblings; a test may point it elsewhere. */
  authorityHost: string;
  /** The EWS resource of the cloud, with /.default. */
  scope: string;
}

/** What a profile authenticates with, secrets read from the app settings it names. */
export type Credentials = PasswordCredentials | OAuthCredentials;

export const authorityHosts: Record<OAuthCloud, string> = {
  public: "https://login.microsoftonline.com",
  usgov: "https://login.microsoftonline.us",
  "usgov-dod": "https://login.microsoftonline.us",
  china: "https://login.chinacloudapi.cn",
};

/** Other names of each cloud's authority that MSAL sends token requests to (21Vianet's instance metadata prefers login.partner.microsoftonline.cn). */
export const authorityAliases: Readonly<Record<OAuthCloud, readonly string[]>> = {
  public: [],
  usgov: [],
  "usgov-dod": [],
  china: ["login.partner.microsoftonline.cn"],
};

/** The hosts a token request (carrying the app's secret or assertion) may go to: the authority and its aliases. */
export function tokenHostsOf(credentials: Pick<OAuthCredentials, "authorityHost">): string[] {
  const host = new URL(credentials.authorityHost).hostname.toLowerCase();
  // By the authority itself, not the profile's cloud: a Dataverse app's credentials name a national authority in a "public" cloud.
  const cloud = (Object.keys(authorityHosts) as OAuthCloud[]).find((c) => new URL(authorityHosts[c]).hostname === host);
  return [host, ...(cloud === undefined ? [] : authorityAliases[cloud])];
}

/** The Exchange Online EWS resource of each cloud (GCC High outlook.office365.us, DoD outlook-dod.office365.us, 21Vianet partner.outlook.cn). */
export const ewsScopes: Record<OAuthCloud, string> = {
  public: `https://${exchangeOnlineEwsHosts.public}/.default`,
  usgov: `https://${exchangeOnlineEwsHosts.usgov}/.default`,
  "usgov-dod": `https://${exchangeOnlineEwsHosts["usgov-dod"]}/.default`,
  china: `https://${exchangeOnlineEwsHosts.china}/.default`,
};

/**
 * Exchange Online's own domains in each cloud, its EWS and Autodiscover hosts among them: the only hosts an app token
 * for its EWS resource (which opens every mailbox the app may reach) is sent to.
 */
export const exchangeOnlineDomains: Readonly<Record<OAuthCloud, readonly string[]>> = {
  public: [exchangeOnlineEwsHosts.public, "outlook.com", "office365.com"],
  usgov: [exchangeOnlineEwsHosts.usgov, "autodiscover-s.office365.us"],
  "usgov-dod": [exchangeOnlineEwsHosts["usgov-dod"], "autodiscover-s-dod.office365.us"],
  china: [exchangeOnlineEwsHosts.china],
};

export interface CredentialOverrides {
  /** For tests and private clouds: the token authority to use instead of the cloud's. */
  authorityHost?: string;
  scope?: string;
}

type Env = Record<string, string | undefined>;

/**
 * Reads the secret each profile names from the app settings. A missing or empty setting is a
 * credential-format failure that names the setting, never a value.
 */
export function resolveCredentials(auth: ProfileAuth, env: Env, overrides: CredentialOverrides = {}): Outcome<Credentials> {
  if (auth.kind === "basic" || auth.kind === "ntlm") {
    const password = setting(env, auth.passwordSetting, "the service account's password");
    if (!password.ok) return password;
    return succeed({ kind: auth.kind, username: auth.username, password: new Secret(password.value) });
  }
  const cloud = auth.cloud ?? "public";
  let app: AppSecret;
  if (auth.clientSecretSetting !== undefined) {
    const secret = setting(env, auth.clientSecretSetting, "the app's client secret");
    if (!secret.ok) return secret;
    app = { kind: "client-secret", secret: new Secret(secret.value), setting: auth.clientSecretSetting };
  } else if (auth.certificatePathSetting !== undefined) {
    const path = setting(env, auth.certificatePathSetting, "the path of the app's certificate (PEM with its private key)");
    if (!path.ok) return path;
    if (!existsSync(path.value)) {
      return fail(problem(`the app setting ${auth.certificatePathSetting} names a certificate file that does not exist`, "MISSING_CERTIFICATE_FILE"));
    }
    app = { kind: "certificate", pemPath: path.value, setting: auth.certificatePathSetting };
  } else {
    return fail(problem("the profile names neither clientSecretSetting nor certificatePathSetting"));
  }
  return succeed({
    kind: "oauth",
    tenantId: auth.tenantId,
    clientId: auth.clientId,
    app,
    cloud,
    authorityHost: overrides.authorityHost ?? authorityHosts[cloud],
    scope: overrides.scope ?? ewsScopes[cloud],
  });
}

function setting(env: Env, name: string, holds: string): Outcome<string> {
  const value = env[name];
  if (value === undefined || value.trim() === "") {
    return fail(problem(`the app setting ${name}, which the profile names for ${holds}, is missing or empty`));
  }
  return succeed(value);
}

function problem(message: string, code = "MISSING_SETTING") {
  return makeFailure("credential-format", { code, message, transient: false });
}
