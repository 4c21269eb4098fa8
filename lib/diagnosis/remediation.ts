import type { FailureCategory } from "../model/failure.js";
import { isMicrosoft365Host } from "../util/hosts.js";

/** What we know about the place a failure happened, so the advice can name it. */
export interface RemediationContext {
  host?: string;
  address?: string;
  username?: string;
  /** The app setting that holds the service account's password or the app's secret (never the value). */
  secretSetting?: string;
  serverType?: "exchange-server" | "exchange-online" | "exchange-online-hybrid";
  /** Which wire the failure came from (default EWS / Autodiscover). */
  api?: "ews" | "graph";
  /** Microsoft Graph: the application permission the failed request needed, e.g. Calendars.ReadWrite. */
  permission?: string;
  /** The app registration's client id, for commands that name it. */
  clientId?: string;
  /** Exchange Online's X-EWS-Policy-Reason on a 403: EWS switched off, or the app not on the tenant's allow list. */
  ewsPolicy?: "blocked-by-policy" | "disabled";
  /** The profile signs in as a Microsoft Entra app (auth kind oauth), not as a service account. */
  signsInAs?: "app" | "service-account";
}

/** Exchange Online's EWS app-ID allow list: reading it (it reads empty without the switch), and adding apps to it. */
export const readEwsAllowList = "Get-OrganizationConfig -RetrieveEwsOperationAccessPolicy | fl EwsAllowedAppIDs";
/** A write replaces the list whole: the IDs already there are written back with the new ones. */
export const addToEwsAllowList = (apps: string): string => `Set-OrganizationConfig -EWSAllowedAppIDs "<IDs already listed>,${apps}"`;
/** The older User-Agent policy, which may refuse an app the allow list lets in. */
export const readEwsUserAgentPolicy = "Get-OrganizationConfig | fl EwsApplicationAccessPolicy,EwsAllowList,EwsBlockList";

/** The app whose sign-in Microsoft Entra refused: what the advice may name (never the secret). */
export interface SignInContext {
  tenantId: string;
  clientId: string;
  authorityHost: string;
  kind: "client-secret" | "certificate";
  /** The app setting that holds the secret or the certificate's path. */
  setting?: string;
}

/** Microsoft Entra refused the app's token request: advice by its AADSTS code. */
export function signInRemediation(code: string, app: SignInContext): string {
  const where = `Microsoft Entra admin center > App registrations > ${app.clientId} > Certificates & secrets`;
  const setting = app.setting === undefined ? "the app setting the profile names" : `the app setting \`${app.setting}\``;
  switch (code) {
    case "AADSTS7000222":
      return `The app's client secret has expired. In the ${where}, create a new client secret and put its value (not its secret ID) in ${setting}; the next cycle signs in with it.`;
    case "AADSTS7000215":
      return `Microsoft Entra refused the app's client secret. ${setting[0]!.toUpperCase()}${setting.slice(1)} must hold the secret's value (not its secret ID) of app ${app.clientId}; if it was rotated, create a new one in the ${where}.`;
    case "AADSTS700024":
      return `Microsoft Entra refused the app's certificate assertion as outside its valid time: this machine's clock is probably wrong. Check its time synchronization (NTP).`;
    case "AADSTS700027":
      return `Microsoft Entra refused the app's certificate. Upload the certificate (its public part) in the ${where}, check it has not expired, and that ${setting} names the PEM file holding it and its private key.`;
    case "AADSTS700016":
      return `Tenant ${app.tenantId} has no app ${app.clientId}. Check the profile's clientId and tenantId; an app registered in another tenant needs admin consent in this one.`;
    case "AADSTS90002":
    case "AADSTS900023":
      return `Microsoft Entra knows no tenant ${app.tenantId} at ${app.authorityHost}. Check the profile's tenantId and its cloud (a national cloud signs in at its own authority).`;
    case "AADSTS7000112":
      return `App ${app.clientId} is disabled in tenant ${app.tenantId}. Enable it: Enterprise applications > the app > Properties > "Enabled for users to sign-in".`;
    default:
      return `Microsoft Entra refused the app's sign-in (${code}). Check the profile's tenantId and clientId, that ${setting} holds a current secret or certificate of app ${app.clientId}, and that the cloud setting matches the tenant's cloud.`;
  }
}

/** The Graph application permissions server-side synchronization needs (for the advice that lists them). */
const syncPermissions = "Mail.ReadWrite, Mail.Send, MailboxSettings.ReadWrite, Calendars.ReadWrite, Contacts.ReadWrite, Tasks.ReadWrite.All and MailboxConfigItem.ReadWrite";

/** Advice written for the administrator, after the product documentation's list of known causes. */
export function remediationFor(category: FailureCategory, context: RemediationContext): string {
  const host = context.host ?? "the Exchange server";
  const mailbox = context.address ?? "the mailbox";
  const account = context.username ?? "<service account>";
  const identity = context.address ?? "<mailbox>";
  const appId = context.clientId ?? "<client id>";
  switch (category) {
    case "dns":
      return `The name ${host} does not resolve. Check the DNS records (A/CNAME for the host, SRV _autodiscover._tcp for Autodiscover) and the DNS servers this app uses (\`DNS_SERVERS\`).`;
    case "connection-refused":
      return `Nothing accepts connections at ${host}. Check that the server is running and that a firewall or reverse proxy lets the CRM service's IP ranges in on port 443.`;
    case "connect-timeout":
      return `No connection to ${host} could be made in time. A firewall or reverse proxy is probably dropping the traffic: allow the CRM service's outbound IP ranges to reach ${host} on port 443.`;
    case "timeout":
      return `${host} accepted the connection but did not answer in time. Check the server's load and any reverse proxy in front of EWS; if this persists, the server may be overloaded.`;
    case "tls-untrusted":
      return `The certificate of ${host} is not trusted. Use a certificate from a public certification authority, or add your on-premises CA to \`TRUSTED_CA_FILE\`.`;
    case "tls-name-mismatch":
      return `The certificate of ${host} does not name ${host}. The certificate must cover every host name used for Autodiscover and EWS (subject alternative names).`;
    case "tls-expired":
      return `The certificate of ${host} has expired or is not yet valid. Renew it and bind the new certificate to the IIS site that serves EWS and Autodiscover.`;
    case "insecure-url":
      return "Only https URLs may be used: credentials are never sent over plain http. Change the incoming and outgoing server URLs to https.";
    case "credential-format":
      return "The user name must be a user principal name (svc-crm@contoso.com, never CONTOSO\\svc), and the app setting the profile names for its secret (`auth.passwordSetting` or `auth.clientSecretSetting`) must exist and hold the secret.";
    case "auth-failed":
      if (context.api === "graph") {
        return `Microsoft Graph refused the app's token (InvalidAuthenticationToken). Check the tenant id, the client id and that the secret or certificate is current; that the token comes from the authority of the profile's cloud for that cloud's Graph host (cloud setting); and that the app has the Graph application permissions ${syncPermissions} with admin consent.`;
      }
      if (context.signsInAs === "app" && context.serverType === "exchange-online-hybrid" && !(context.host !== undefined && isMicrosoft365Host(context.host))) {
        return `${host} refused the app's token (hybrid modern authentication). Check that the on-premises Exchange server is configured for hybrid modern authentication (its EWS URL is a service principal name of the Office 365 Exchange Online app in Microsoft Entra, and \`Get-AuthServer\` lists EvoSTS), and that the app may reach ${mailbox}.`;
      }
      return context.serverType === "exchange-online" || context.signsInAs === "app"
        ? `Exchange Online refused the app's token. Check that the app has the Office 365 Exchange Online application permission full_access_as_app with admin consent (or an RBAC for Applications role assignment of "Application EWS.AccessAsApp"${context.clientId ? ` for app ${context.clientId}` : ""}), and that the token was requested from the authority of the profile's cloud.`
        : `Exchange refused the user name or password of ${context.username ?? "the service account"}. Check the password in the app setting${context.secretSetting ? ` \`${context.secretSetting}\`` : ""}, that the account is not locked or expired, and that the user name is a UPN.`;
    case "basic-auth-disabled":
      return `Basic authentication is not enabled on the EWS virtual directory${context.host ? ` of ${context.host}` : ""}. Enable it (\`Get-WebServicesVirtualDirectory -Server ${context.host ?? "<server>"} | Set-WebServicesVirtualDirectory -BasicAuthentication $true\`) or switch the profile to Windows authentication (\`"auth": { "kind": "ntlm" }\`).`;
    case "autodiscover-not-found":
      return `Autodiscover does not know ${mailbox}. Check the address is right and that the mailbox exists in Exchange; or turn Autodiscover off and give the EWS URLs.`;
    case "autodiscover-redirect-loop":
      return "Autodiscover redirected in a loop or more than 10 times. Check the Autodiscover virtual directory's redirects and the SCP / DNS records of each domain involved.";
    case "autodiscover-redirect-refused":
      return "Autodiscover redirected to a host outside the profile's domains, so no credentials were sent there. If that host is yours, add its domain to the profile's trustedDomains.";
    case "autodiscover-error":
      return "Autodiscover gave no usable answer: no endpoint answered, or the one that did reported an error (its code is shown). Check the autodiscover.<domain> DNS record, the Autodiscover virtual directory and its event log, and that a firewall lets the CRM service reach it; or turn Autodiscover off and give the EWS URLs.";
    case "http-status":
      return `${host} answered with an unexpected HTTP status. Check the EWS virtual directory and the reverse proxy in front of it.`;
    case "impersonation-denied":
      if (context.signsInAs === "app") {
        return `The app${context.clientId ? ` ${context.clientId}` : ""} may not open ${mailbox} through EWS. ApplicationImpersonation is retired in Exchange Online: scope the app with RBAC for Applications (\`New-ManagementRoleAssignment -App <service principal object id> -Role "Application EWS.AccessAsApp" -CustomResourceScope <management scope>\`) so the scope includes this mailbox, or check the application access policy (\`Test-ApplicationAccessPolicy -Identity ${identity} -AppId ${appId}\`).`;
      }
      return `The service account ${context.username ?? ""}${context.username ? " " : ""}may not impersonate ${mailbox}. Assign it the ApplicationImpersonation role with a scope that includes this mailbox: \`New-ManagementRoleAssignment -Role ApplicationImpersonation -User ${account}\`.`;
    case "mailbox-not-found":
      return `No mailbox ${mailbox} exists in Exchange. Check the mailbox's email address in CRM matches its primary SMTP address in Exchange.`;
    case "access-denied":
      if (context.ewsPolicy === "blocked-by-policy") {
        return `Exchange Online's EWS refused app ${appId} by policy (X-EWS-Policy-Reason): it is not on the tenant's app-ID allow list, or the User-Agent policy refuses it. See the allow list with \`${readEwsAllowList}\` and add the app, keeping the IDs already there (one comma-separated string that a write replaces whole): \`${addToEwsAllowList(appId)}\`; check the User-Agent policy with \`${readEwsUserAgentPolicy}\`. A change can take up to a day. EWS in Exchange Online stops for every app on April 1, 2027: move the profile to Microsoft Graph.`;
      }
      if (context.ewsPolicy === "disabled") {
        return `EWS is switched off in Exchange Online for the tenant or for ${mailbox} (X-EWS-Policy-Reason). Check both, since a mailbox's setting does not override the tenant's: \`Get-OrganizationConfig | fl EwsEnabled\` and \`Get-CASMailbox -Identity ${identity} | fl EwsEnabled\`; turn on whichever is off (\`Set-OrganizationConfig -EWSEnabled $true\`, \`Set-CASMailbox -Identity ${identity} -EwsEnabled $true\`) and put app ${appId} on the app-ID allow list, since only listed apps get through once EWS is on (\`${readEwsAllowList}\`, then \`${addToEwsAllowList(appId)}\`). Or move the profile to Microsoft Graph: EWS in Exchange Online stops for every app on April 1, 2027.`;
      }
      return context.serverType === "exchange-online" || context.serverType === "exchange-online-hybrid"
        ? `Exchange Online refused access: EWS is probably off for the organisation or the mailbox (\`Get-OrganizationConfig | fl EwsEnabled\`, \`Get-CASMailbox -Identity ${identity} | fl EwsEnabled\`), or the app is not on the app-ID allow list (\`${readEwsAllowList}\`) or is refused by the User-Agent policy (\`${readEwsUserAgentPolicy}\`).`
        : `Exchange refused access to ${mailbox}. Check the mailbox and folder permissions of ${context.username ?? "the service account"} (\`Get-MailboxFolderPermission -Identity ${identity}:\\Calendar\`) and any EWS access policy (\`Get-CASMailbox -Identity ${identity} | fl Ews*\`).`;
    case "server-busy":
      if (context.api === "graph") {
        return `Microsoft Graph is throttling app ${appId} or is briefly unavailable (429 or 503). The check is tried again after the Retry-After Graph sent. If it persists, the app is over Exchange Online's limits for one app and one mailbox (four requests at once, 10,000 in ten minutes), perhaps shared with another tool that uses the same app: lower the profile's Maximum Concurrent Connections, or give the monitor an app of its own. Quote the request-id to Microsoft support if it lasts.`;
      }
      return "Exchange is throttling or busy. The check will be tried again after the delay the server asked for; if it persists, review the throttling policy of the service account.";
    case "mailbox-moved":
      return `${mailbox} is moving or lives on another server. Autodiscover will be asked again; if the server it names is unreachable, open it to the CRM service as well.`;
    case "unsupported-version":
      return "This Exchange version is not supported. Server-side synchronization needs Exchange 2010 SP3, 2013 SP1, 2016, 2019 or Exchange Online.";
    case "invalid-response":
      return `${host} answered with something that is not a valid Exchange response. Check that the URL points at EWS or Autodiscover and not at a login page or a reverse proxy's error page.`;
    case "response-too-large":
      return `${host} answered with a response far larger than any Exchange answer to this request. Check that the URL points at EWS or Autodiscover.`;
    case "mailbox-not-in-cloud":
      return `Microsoft Graph cannot reach ${mailbox}: the mailbox is inactive, soft-deleted, or hosted on-premises (MailboxNotEnabledForRESTAPI). Check it with \`Get-Mailbox -Identity ${identity} | fl RecipientTypeDetails\` (on-premises it shows as a RemoteUserMailbox / MailUser in Exchange Online). For a hybrid profile, mark the mailbox's location "on-premises" so it is probed through EWS on-premises.`;
    case "access-policy-denied":
      return `An application access policy or an RBAC for Applications management scope leaves ${mailbox} outside what app ${appId} may reach ("Access to OData is disabled"). Check with \`Test-ApplicationAccessPolicy -Identity ${identity} -AppId ${appId}\` (or \`Test-ServicePrincipalAuthorization -Identity ${appId} -Resource ${identity}\` for RBAC for Applications). Find the policy with \`Get-ApplicationAccessPolicy | Where-Object AppId -eq "${appId}" | fl ScopeName,AccessRight\`: for RestrictAccess add the mailbox to its group (\`Add-DistributionGroupMember -Identity <ScopeName> -Member ${identity}\`), for DenyAccess take it out (\`Remove-DistributionGroupMember\`); or widen the management scope of the app's role assignments (\`Set-ManagementScope\`).`;
    case "permission-missing": {
      const permission = context.permission ?? "that this request needs";
      const app = context.clientId ?? "the app";
      const entra = `In the Microsoft Entra admin center, App registrations > ${app} > API permissions: add Microsoft Graph > Application permissions > ${permission} and select "Grant admin consent"`;
      // RBAC for Applications has roles for mail, calendars, contacts and mailbox settings; To Do and MailboxConfigItem stay Entra permissions.
      const rbac = permission.startsWith("Tasks.") || permission.startsWith("MailboxConfigItem.") || context.permission === undefined
        ? ""
        : `; or, to limit it to some mailboxes, assign it through RBAC for Applications instead (after \`New-ServicePrincipal\` for the app: \`New-ManagementRoleAssignment -App <service principal object id> -Role "Application ${permission}" -CustomResourceScope <management scope>\`), and then remove the Entra grant, which covers every mailbox`;
      return `App ${app} lacks the Microsoft Graph application permission ${permission} for ${mailbox}. ${entra}${rbac}. Server-side synchronization needs ${syncPermissions}.`;
    }
  }
}

/** A remediation text cut into plain words and `code` (commands, settings): the email sets code in monospace. */
export type RemediationPart = { kind: "text"; text: string } | { kind: "code"; text: string };

/** Splits on backtick pairs; an unmatched backtick stays text. */
export function remediationParts(text: string): RemediationPart[] {
  const parts: RemediationPart[] = [];
  const pattern = /`([^`]+)`/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) parts.push({ kind: "text", text: text.slice(last, match.index) });
    parts.push({ kind: "code", text: match[1]! });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ kind: "text", text: text.slice(last) });
  return parts;
}

/** The text without the backticks that mark code (for places that show no monospace). */
export function plainRemediation(text: string): string {
  return remediationParts(text)
    .map((p) => p.text)
    .join("");
}
