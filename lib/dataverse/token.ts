import { existsSync } from "node:fs";
import type { OAuthCredentials } from "../auth/credentials.js";
import type { TokenCache } from "../auth/oauth.js";
import { Secret } from "../auth/secret.js";
import { fail, succeed, type Outcome } from "../model/result.js";
import type { ProfileConnections } from "../net/index.js";
import type { DataverseCredentialSettings } from "../config/dataverse-settings.js";
import { dataverseFailure, fromNetwork, isNetworkFailure, tokenRemediation, type DataverseContext } from "./failures.js";

/** Who the monitor is towards Dataverse, the secret already read from the setting that holds it. */
export type DataverseIdentity =
  | { kind: "client-secret"; tenantId: string; clientId: string; secret: Secret }
  | { kind: "certificate"; tenantId: string; clientId: string; pemPath: string }
  | { kind: "managed-identity"; clientId?: string };

type Env = Record<string, string | undefined>;

/** Reads the secret or certificate path from the setting the Dataverse settings name; the failure names the setting only. */
export function resolveIdentity(settings: DataverseCredentialSettings, env: Env): Outcome<DataverseIdentity> {
  const missing = (name: string, holds: string) =>
    fail(dataverseFailure("credential-format", { code: "MISSING_SETTING", message: `the app setting ${name}, which holds ${holds}, is missing or empty`, transient: false }, `Set the app setting ${name}.`));
  switch (settings.kind) {
    case "client-secret": {
      const value = env[settings.secretSetting];
      if (!value?.trim()) return missing(settings.secretSetting, "the Dataverse app's client secret");
      return succeed({ kind: "client-secret", tenantId: settings.tenantId, clientId: settings.clientId, secret: new Secret(value) });
    }
    case "certificate": {
      const path = env[settings.certificatePathSetting];
      if (!path?.trim()) return missing(settings.certificatePathSetting, "the path of the Dataverse app's certificate");
      if (!existsSync(path)) {
        return fail(
          dataverseFailure(
            "credential-format",
            { code: "MISSING_CERTIFICATE_FILE", message: `the app setting ${settings.certificatePathSetting} names a certificate file that does not exist`, transient: false },
            "Put the PEM file (certificate and private key) where the setting says, or correct the setting.",
          ),
        );
      }
      return succeed({ kind: "certificate", tenantId: settings.tenantId, clientId: settings.clientId, pemPath: path });
    }
    case "managed-identity":
      return succeed(settings.clientId === undefined ? { kind: "managed-identity" } : { kind: "managed-identity", clientId: settings.clientId });
  }
}

export function principalOf(identity: DataverseIdentity): string {
  return identity.kind === "managed-identity" ? `managed identity${identity.clientId ? ` ${identity.clientId}` : ""}` : identity.clientId;
}

/**
 * An app-only token for `scope` (the environment URL + /.default). App secrets and certificates go through
 * the context's token cache (fetched through the monitor's own network settings); managed identity through
 * @azure/identity, whose endpoint is the platform's local one.
 */
export async function dataverseToken(
  conns: ProfileConnections,
  tokens: TokenCache,
  identity: DataverseIdentity,
  scope: string,
  authorityHost: string,
  ctx: DataverseContext,
): Promise<Outcome<string>> {
  if (identity.kind === "managed-identity") return managedIdentityToken(identity, scope, ctx);
  const token = await tokens.token(conns, appCredentials(identity, scope, authorityHost));
  if (token.ok) return token;
  const failure = token.failure;
  if (failure.category === "auth-failed") return fail({ ...failure, remediation: tokenRemediation(failure.code, ctx) });
  // Microsoft Entra ID's own answers (busy, no usable token) keep their advice; the network failed towards Entra,
  // not towards the environment.
  if (failure.code === "TokenAnswerInvalid" || failure.category === "server-busy") return fail(failure);
  if (isNetworkFailure(failure)) {
    const entra = new URL(authorityHost).host;
    return fail({ ...failure, remediation: `Microsoft Entra ID at ${entra} could not be reached (${failure.category}) for a token for ${ctx.environment}. Check outbound access to ${entra} on port 443, the DNS servers this app uses (DNS_SERVERS) and any TLS-inspecting proxy (TRUSTED_CA_FILE).` });
  }
  return fail(fromNetwork(failure, ctx));
}

function appCredentials(identity: Exclude<DataverseIdentity, { kind: "managed-identity" }>, scope: string, authorityHost: string): OAuthCredentials {
  return {
    kind: "oauth",
    tenantId: identity.tenantId,
    clientId: identity.clientId,
    app: identity.kind === "client-secret" ? { kind: "client-secret", secret: identity.secret } : { kind: "certificate", pemPath: identity.pemPath },
    cloud: "public",
    authorityHost,
    scope,
  };
}

/** Dataverse refused `token` (401): the next request fetches a new one instead of sending it again until it expires. */
export function forgetDataverseToken(tokens: TokenCache, identity: DataverseIdentity, scope: string, authorityHost: string, token: string): void {
  if (identity.kind !== "managed-identity") tokens.forget(appCredentials(identity, scope, authorityHost), token);
}

async function managedIdentityToken(identity: Extract<DataverseIdentity, { kind: "managed-identity" }>, scope: string, ctx: DataverseContext): Promise<Outcome<string>> {
  try {
    const { ManagedIdentityCredential } = await import("@azure/identity");
    const credential = identity.clientId === undefined ? new ManagedIdentityCredential() : new ManagedIdentityCredential({ clientId: identity.clientId });
    const token = await credential.getToken(scope, { abortSignal: AbortSignal.timeout(60_000) });
    return succeed(token.token);
  } catch (error) {
    const text = (error instanceof Error ? error.message : String(error)).split(/\r?\n/)[0]?.slice(0, 300) ?? "";
    return fail(
      dataverseFailure(
        "auth-failed",
        { code: /AADSTS\d+/.exec(text)?.[0] ?? (error instanceof Error ? error.name : "TOKEN_ERROR"), message: `no access token for Dataverse from the ${ctx.principal}: ${text}`, transient: false },
        `The app has no usable managed identity, or it is not an application user of ${ctx.environment}. Turn on the Function App's identity (or set DATAVERSE_CLIENT_ID to a user-assigned one) and register it as an application user; off Azure, set DATAVERSE_CLIENT_SECRET_SETTING or DATAVERSE_CERTIFICATE_PATH_SETTING instead.`,
      ),
    );
  }
}
