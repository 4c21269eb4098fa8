import type { DataverseSpec } from "./dataverse/spec.js";

/** The shape of a simulated Exchange organisation: plain data, usable from code and from JSON. */

export type CertificateKind = "valid" | "expired" | "wrong-name" | "self-signed";
export type MalformedKind = "truncated" | "not-xml" | "doctype";
export type FolderName = "inbox" | "sentitems" | "calendar" | "contacts" | "tasks";
export const folderNames: readonly FolderName[] = ["inbox", "sentitems", "calendar", "contacts", "tasks"];

/** Per-server faults, all changeable at run time with `setServer`. */
export interface ServerKnobs {
  /** Added before every answer this host gives. */
  latencyMs: number;
  /** 401 offers only `Negotiate, NTLM`, and Basic credentials are refused. */
  basicDisabled: boolean;
  certificate: CertificateKind;
  /** Seconds for Retry-After; every request answers 503. */
  status503: number | false;
  /** Accept the request, never answer. */
  hang: boolean;
  /** TCP accepted, TLS never completes (the ClientHello is never answered). */
  stallHandshake: boolean;
  /** DNS answers 127.0.0.2, where nothing listens. */
  refuse: boolean;
  /** 200 text/html login page, as a reverse proxy in front of Exchange would give. */
  htmlLoginPage: boolean;
  /** Streams this many bytes of an XML-looking body (chunked, no Content-Length). */
  hugeBody: number | false;
  malformedBody: MalformedKind | false;
  /**
   * Exchange Online EWS for apps, as `Set-OrganizationConfig` sets it. `ewsDisabled` (EWSEnabled False):
   * every Bearer call gets 403 with X-EWS-Policy-Reason "EWS is disabled for this user or tenant".
   */
  ewsDisabled: boolean;
  /**
   * EWSAllowedAppIDs: null lets every app in; a list lets only these client ids in, the others get 403
   * with X-EWS-Policy-Reason "EWS is blocked by policy for this user or tenant".
   */
  ewsAllowedAppIds: string[] | null;
  /**
   * A server that quotes secrets back (issue 10 item 9): "authorization-400" answers 400 with the request's
   * Authorization header in its HTML body (NTLM's negotiate message still gets its challenge, so the echoed header is
   * the authenticate message); "password-fault" answers an authenticated request with an HTTP 500 SOAP fault whose
   * text repeats the account's password (or the app's client secret).
   */
  echoSecrets: "authorization-400" | "password-fault" | false;
  /** Microsoft Graph: the next this many `$batch` requests are answered 429 TooManyRequests as a whole (Retry-After 1), as a tenant-wide throttle is. */
  graphThrottleBatches: number;
}

export type AuthMethod = "basic" | "ntlm" | "bearer";

export interface ServerSpec {
  /** Host name, e.g. mail.contoso.com. */
  name: string;
  /** Connection-counting group; defaults to the longest org domain the name ends with. */
  group?: string;
  /** Exchange build, e.g. "15.1.2507.6" (2016), "14.3.123.4" (2010 SP3), "15.20.7452.28" (Online). */
  build?: string;
  /** Serves /EWS/Exchange.asmx (default true). */
  ews?: boolean;
  /** Serves POX and SOAP Autodiscover (default false). */
  autodiscover?: boolean;
  /** With autodiscover: false leaves only SOAP (autodiscover.xml answers 404), to test the fall-back to SOAP (default true). */
  pox?: boolean;
  /** Plain http on this host answers every request with 302 to this https URL. */
  httpRedirect?: string;
  /** Serves Microsoft Graph under /v1.0 (the national clouds' Graph hosts are added to every org with it). */
  graph?: boolean;
  /** Accepted methods (default basic + ntlm). */
  auth?: AuthMethod[];
  /** NTLM target domain name (default: first label of the group, upper-cased). */
  ntlmDomain?: string;
  knobs?: Partial<ServerKnobs>;
}

export interface SrvTarget {
  target: string;
  port?: number;
  priority?: number;
  weight?: number;
}

export interface DomainSpec {
  name: string;
  /** Targets of `_autodiscover._tcp.<name>`. */
  srv?: SrvTarget[];
}

/** Per-mailbox faults, all changeable at run time with `setMailbox`. */
export interface MailboxKnobs {
  /** EWS ErrorNonExistentMailbox; Autodiscover answers "not found" too. */
  notFound: boolean;
  impersonationDenied: boolean;
  /** BackOffMilliseconds: every EWS call for the mailbox answers ErrorServerBusy. */
  busy: number | false;
  /** New home server: the old one answers ErrorMailboxMoveInProgress, Autodiscover names the new one. */
  movedTo: string | null;
  /** Autodiscover answers Action redirectAddr / RedirectAddress with this address. */
  redirectAddr: string | null;
  /** Autodiscover answers Action redirectUrl / RedirectUrl with this URL, except on the host it names, which answers settings. */
  redirectUrl: string | null;
  /** The next N EWS calls for the mailbox answer ErrorServerBusy (BackOffMilliseconds 100), then it recovers. */
  failNext: number;
  /** Whole-request ErrorAccessDenied. */
  accessDenied: boolean;
  /** Per-folder errors inside an HTTP 200, e.g. { calendar: "ErrorAccessDenied" }. */
  folderErrors: Partial<Record<FolderName, string>>;
  /** Every Graph request for the mailbox answers this error (see graphFaults). */
  graphFault: GraphFault | null;
  /** The next `requests` Graph requests for the mailbox answer 429 with this code and Retry-After, then it recovers. */
  graphThrottled: GraphThrottle | null;
  /** In a $batch answer, the mailbox's items come without a `status` (a front end that mangles items). */
  graphMalformedItem: boolean;
  /** EWS answers for this mailbox only after this many ms (on top of the server's latency): a straggler. */
  stallMs: number | false;
}

/**
 * Graph's per-mailbox errors: 404 ErrorInvalidUser / ResourceNotFound / MailboxNotEnabledForRESTAPI,
 * 403 ErrorAccessDenied "Access to OData is disabled." (ODataDisabled: an application access policy),
 * 403 ErrorAccessDenied, 403 Authorization_RequestDenied, 401 InvalidAuthenticationToken.
 */
export const graphFaults = [
  "ErrorInvalidUser",
  "ResourceNotFound",
  "MailboxNotEnabledForRESTAPI",
  "ODataDisabled",
  "ErrorAccessDenied",
  "Authorization_RequestDenied",
  "InvalidAuthenticationToken",
] as const;
export type GraphFault = (typeof graphFaults)[number];

/** The next `requests` to the mailbox are answered 429 with `code`, or 503 ServiceUnavailable, with Retry-After. */
export interface GraphThrottle {
  requests: number;
  retryAfterSeconds: number;
  code: "ApplicationThrottled" | "TooManyRequests" | "ServiceUnavailable";
}

export interface MailboxSpec {
  address: string;
  /** Home server host name. */
  server: string;
  displayName?: string;
  knobs?: Partial<MailboxKnobs>;
}

/** "all", or the mailbox addresses the principal may impersonate; "@contoso.com" stands for a whole domain. */
export type ImpersonationScope = "all" | string[];

export interface ServiceAccountSpec {
  upn: string;
  password: string;
  impersonation?: ImpersonationScope;
}

export interface OAuthAppSpec {
  tenant: string;
  clientId: string;
  clientSecret?: string;
  /** The secret is right but past its end date: Entra answers AADSTS7000222. */
  clientSecretExpired?: boolean;
  /** PEM certificate whose key signs client assertions. */
  certificatePem?: string;
  impersonation?: ImpersonationScope;
  /** false: the app is not on the organisation's EWS allow-list (403, blocked by policy). */
  ewsAllowed?: boolean;
  /**
   * Application roles granted with admin consent (default ["full_access_as_app"]). A token for an EWS
   * resource carries full_access_as_app; a token for Graph carries the others (Mail.ReadWrite, ...).
   */
  roles?: string[];
  /** The mailboxes an application access policy / RBAC for Applications scope lets it reach through Graph (default all). */
  graphScope?: ImpersonationScope;
  /**
   * A front end before the token endpoint that refuses this app and quotes the request's client_secret back in the
   * error description, form-encoded as sent (`hex: "lower"`: as .NET's UrlEncode writes it), after `after` characters.
   */
  tokenErrorQuotesSecret?: { after: number; hex?: "upper" | "lower" };
  /** The token endpoint answers this app's token requests so instead (a busy Entra, a proxy's page). */
  tokenAnswer?: { status: number; body: string; retryAfter?: string };
}

export interface OrgSpec {
  domains: DomainSpec[];
  servers: ServerSpec[];
  mailboxes: MailboxSpec[];
  serviceAccounts?: ServiceAccountSpec[];
  oauthApps?: OAuthAppSpec[];
  /** Host of the token endpoint (default login.microsoftonline.com); the national clouds' login hosts are served too. */
  loginHost?: string;
  /** A Dataverse environment beside the Exchange organisation (sim/dataverse/). */
  dataverse?: DataverseSpec;
  /** An App Service managed identity endpoint on the plain-http listener (sim/managed-identity.ts). */
  managedIdentity?: ManagedIdentitySpec;
}

/**
 * The Function App's managed identities as App Service's local endpoint serves them: IDENTITY_ENDPOINT is
 * http://127.0.0.1:<httpPort>/msi/token, IDENTITY_HEADER is `header`.
 */
export interface ManagedIdentitySpec {
  tenant: string;
  header: string;
  /** The system-assigned identity's client id (asked for without client_id). */
  systemAssigned?: string;
  /** User-assigned identities' client ids (asked for by client_id). */
  userAssigned?: string[];
}

export const defaultServerKnobs: ServerKnobs = {
  latencyMs: 0,
  basicDisabled: false,
  certificate: "valid",
  status503: false,
  hang: false,
  stallHandshake: false,
  refuse: false,
  htmlLoginPage: false,
  hugeBody: false,
  malformedBody: false,
  ewsDisabled: false,
  ewsAllowedAppIds: null,
  echoSecrets: false,
  graphThrottleBatches: 0,
};

export const defaultMailboxKnobs: MailboxKnobs = {
  notFound: false,
  impersonationDenied: false,
  busy: false,
  movedTo: null,
  redirectAddr: null,
  redirectUrl: null,
  failNext: 0,
  accessDenied: false,
  folderErrors: {},
  graphFault: null,
  graphThrottled: null,
  graphMalformedItem: false,
  stallMs: false,
};
