import { makeFailure } from "../diagnosis/failure.js";
import type { Failure, FailureCategory } from "../model/failure.js";

/**
 * Failures of reading Dataverse, in the design's vocabulary, with advice written for the Dataverse side (the
 * shared remediation texts speak of Exchange). Messages carry Dataverse's and Entra's own words, never a secret.
 */

export interface DataverseContext {
  /** The environment URL (origin). */
  environment: string;
  /** The app (client) id, or "managed identity". */
  principal: string;
}

export function dataverseFailure(
  category: FailureCategory,
  details: { code: string; message: string; transient?: boolean; retryAfterMs?: number },
  remediation: string,
): Failure {
  return { ...makeFailure(category, details), remediation };
}

/** Advice for a token refused by Microsoft Entra, by its AADSTS code. */
export function tokenRemediation(code: string, ctx: DataverseContext): string {
  switch (code) {
    case "AADSTS7000222":
      return `The client secret of app ${ctx.principal} has expired. Create a new secret under Certificates & secrets of the app registration, store its value in the app setting that DATAVERSE_CLIENT_SECRET_SETTING names, and restart the app.`;
    case "AADSTS7000215":
      return `Microsoft Entra refused the client secret of app ${ctx.principal}. Check that the app setting DATAVERSE_CLIENT_SECRET_SETTING names holds the secret's value (not its id) and that it belongs to this app.`;
    case "AADSTS700016":
      return `No application ${ctx.principal} exists in the tenant. Check DATAVERSE_CLIENT_ID and DATAVERSE_TENANT_ID.`;
    case "AADSTS90002":
      return "The tenant is unknown to Microsoft Entra. Check DATAVERSE_TENANT_ID, and DATAVERSE_AUTHORITY_HOST for sovereign clouds.";
    case "AADSTS500011":
      return `Microsoft Entra knows no resource ${ctx.environment} in this tenant. Check DATAVERSE_URL is the environment URL shown in the Power Platform admin center, in the same tenant as the app.`;
    case "AADSTS700027":
    case "AADSTS700024":
      return `Microsoft Entra refused the certificate of app ${ctx.principal}. Check that the certificate in the file DATAVERSE_CERTIFICATE_PATH_SETTING names is uploaded to the app registration and has not expired.`;
    default:
      return `No token for Dataverse could be obtained for ${ctx.principal}. Check DATAVERSE_TENANT_ID, DATAVERSE_CLIENT_ID, the secret or certificate, and DATAVERSE_AUTHORITY_HOST.`;
  }
}

export const remediations = {
  wrongAudience: (ctx: DataverseContext) =>
    `Dataverse refused the token's audience. The token must be requested for the environment itself (scope ${ctx.environment}/.default): set DATAVERSE_URL to the environment URL exactly as the Power Platform admin center shows it, without a path.`,
  tokenRefused: (ctx: DataverseContext) =>
    `Dataverse refused the access token of ${ctx.principal}. Check that DATAVERSE_URL and DATAVERSE_TENANT_ID name the same tenant and that the app is enabled.`,
  notApplicationUser: (ctx: DataverseContext) =>
    `The app ${ctx.principal} is not an application user of ${ctx.environment}. In the Power Platform admin center open the environment, Settings, Users + permissions, Application users, add the app, and give it a security role that can read Email Server Profiles, Mailboxes, Users and Trace logs.`,
  missingPrivilege: (ctx: DataverseContext) =>
    `The application user of ${ctx.principal} lacks a privilege. Give it a security role with organization-level Read on Email Server Profile, Mailbox, User and Trace Log.`,
  throttled: () =>
    "Dataverse's service protection limits kept answering 429 beyond the waits the monitor accepts. The next sync will try again; if it persists, another integration may be using most of the app user's request allowance.",
  httpStatus: (ctx: DataverseContext) =>
    `${ctx.environment} answered with an unexpected status. Check DATAVERSE_URL and the service health of the environment in the Power Platform admin center.`,
  invalidResponse: (ctx: DataverseContext) =>
    `${ctx.environment} answered with something that is not a Dataverse Web API answer. Check that DATAVERSE_URL is the environment URL and not a proxy or a login page.`,
  network: (ctx: DataverseContext, category: FailureCategory) =>
    category === "dns"
      ? `The host of ${ctx.environment} does not resolve. Check DATAVERSE_URL and the DNS servers this app uses (DNS_SERVERS).`
      : category.startsWith("tls")
        ? `The certificate of ${ctx.environment} was not accepted (${category}). Check DATAVERSE_URL, any TLS-inspecting proxy, and TRUSTED_CA_FILE.`
        : `${ctx.environment} could not be reached in time or refused the connection (${category}). Check outbound access to it on port 443 from this app.`,
} as const;

const networkCategories: ReadonlySet<FailureCategory> = new Set(["dns", "connection-refused", "connect-timeout", "timeout", "tls-untrusted", "tls-name-mismatch", "tls-expired"]);

/** Whether lib/net put the failure down to the network (DNS, TCP, TLS, a timeout). */
export const isNetworkFailure = (failure: Failure): boolean => networkCategories.has(failure.category);

/** A failure lib/net classified, with Dataverse's advice instead of Exchange's. */
export function fromNetwork(failure: Failure, ctx: DataverseContext): Failure {
  if (networkCategories.has(failure.category)) return { ...failure, remediation: remediations.network(ctx, failure.category) };
  if (failure.category === "response-too-large") return { ...failure, remediation: `A page from ${ctx.environment} was larger than the monitor accepts; a smaller page size (odata.maxpagesize) keeps pages small.` };
  if (failure.category === "invalid-response") return { ...failure, remediation: remediations.invalidResponse(ctx) };
  return failure;
}
