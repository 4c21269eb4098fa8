/**
 * A simulated Dataverse environment (the Web API at https://<host>/api/data/v9.2/): plain data, as the Web
 * API returns it (logical names, lookups as `_name_value`, choices as numbers, dates as ISO strings).
 */

export interface DvEmailServerProfile {
  emailserverprofileid: string;
  name: string | null;
  /** 0 Exchange Server, 1 POP3/SMTP, 2 Exchange Server (Hybrid), 3 Exchange Online (Hybrid), 4 IMAP/SMTP; anything else may appear. */
  servertype: number | null;
  useautodiscover: boolean | null;
  incomingserverlocation: string | null;
  outgoingserverlocation: string | null;
  /** 0 Auto Detect, 1 Negotiate, 2 NTLM, 3 Basic, 4 OAuth. */
  incomingauthenticationprotocol: number | null;
  /** 0 User or Queue, 1 Profile, 2 Server-to-Server, 3 Windows Integrated, ..., 7 OAuth. */
  incomingcredentialretrieval: number | null;
  exchangeonlinetenantid: string | null;
  oauthclientid: string | null;
  maxconcurrentconnections: number | null;
  minpollingintervalinminutes: number | null;
  sendemailalert: boolean | null;
  _ownerid_value: string | null;
  statecode: number;
  /** 0 Fail, 1 Success, 2 Warning; null when Test Connection never ran. */
  lasttestexecutionstatus: number | null;
  lastteststarttime: string | null;
  lasttestresponse: string | null;
}

export interface DvMailbox {
  mailboxid: string;
  name: string | null;
  emailaddress: string | null;
  _emailserverprofile_value: string | null;
  _ownerid_value: string | null;
  /** 0 Empty, 1 Approved, 2 Pending Approval, 3 Rejected. */
  emailrouteraccessapproval: number | null;
  isemailaddressapprovedbyo365admin: boolean | null;
  /** 2 = server-side synchronization. */
  incomingemaildeliverymethod: number | null;
  /** 2 = server-side synchronization. */
  outgoingemaildeliverymethod: number | null;
  /** 1 = server-side synchronization. */
  actdeliverymethod: number | null;
  /** 0 Not Run, 1 Success, 2 Failure (the three below). */
  incomingemailstatus: number | null;
  outgoingemailstatus: number | null;
  actstatus: number | null;
  enabledforincomingemail: boolean | null;
  enabledforoutgoingemail: boolean | null;
  enabledforact: boolean | null;
  processinglastattemptedon: string | null;
  postponemailboxprocessinguntil: string | null;
  lastsuccessfulsynccompletedon: string | null;
  lastsyncerror: string | null;
  lastsyncerrorcode: number | null;
  lastsyncerrorcount: number | null;
  lastsyncerroroccurredon: string | null;
  transientfailurecount: number | null;
  ewsurl: string | null;
  statecode: number;
}

export interface DvSystemUser {
  systemuserid: string;
  fullname: string | null;
  internalemailaddress: string | null;
}

export interface DvTraceLog {
  tracelogid: string;
  _regardingobjectid_value: string | null;
  /** 1 Information, 2 Warning, 3 Error. */
  level: number;
  tracecode: number | null;
  text: string | null;
  createdon: string;
}

export interface DataverseKnobs {
  /** Added before every answer. */
  latencyMs: number;
  /** The next N requests (token checked or not) answer 429 with Retry-After. */
  throttleNext: number;
  /** Seconds for the 429's Retry-After header. */
  retryAfterSeconds: number;
  /** The next N requests answer 500 quoting the request's Authorization header (a careless proxy or plug-in). */
  echoAuthorizationNext: number;
  /** Each next page starts this many records early (records that moved while the pages were read come twice). */
  pageOverlap: number;
}

export interface DataverseSpec {
  /** The environment's host, e.g. contoso.crm.dynamics.com: the token audience must be https://<host>. */
  host: string;
  /** Client ids of the Entra apps registered as application users of the environment (others get 403). */
  applicationUsers: string[];
  emailserverprofiles: DvEmailServerProfile[];
  mailboxes: DvMailbox[];
  systemusers: DvSystemUser[];
  tracelogs: DvTraceLog[];
  knobs?: Partial<DataverseKnobs>;
}

export const defaultDataverseKnobs: DataverseKnobs = { latencyMs: 0, throttleNext: 0, retryAfterSeconds: 1, echoAuthorizationNext: 0, pageOverlap: 0 };

/** A profile record with every column null/default except those given. */
export function dvProfile(fields: Partial<DvEmailServerProfile> & Pick<DvEmailServerProfile, "emailserverprofileid">): DvEmailServerProfile {
  return {
    name: null,
    servertype: 0,
    useautodiscover: true,
    incomingserverlocation: null,
    outgoingserverlocation: null,
    incomingauthenticationprotocol: 3,
    incomingcredentialretrieval: 1,
    exchangeonlinetenantid: null,
    oauthclientid: null,
    maxconcurrentconnections: 10,
    minpollingintervalinminutes: 0,
    sendemailalert: true,
    _ownerid_value: null,
    statecode: 0,
    lasttestexecutionstatus: null,
    lastteststarttime: null,
    lasttestresponse: null,
    ...fields,
  };
}

/** A mailbox approved, synchronized on all three channels, and reported healthy by Dynamics, except for the fields given. */
export function dvMailbox(fields: Partial<DvMailbox> & Pick<DvMailbox, "mailboxid" | "emailaddress" | "_emailserverprofile_value">): DvMailbox {
  return {
    name: fields.emailaddress ?? null,
    _ownerid_value: null,
    emailrouteraccessapproval: 1,
    isemailaddressapprovedbyo365admin: true,
    incomingemaildeliverymethod: 2,
    outgoingemaildeliverymethod: 2,
    actdeliverymethod: 1,
    incomingemailstatus: 1,
    outgoingemailstatus: 1,
    actstatus: 1,
    enabledforincomingemail: true,
    enabledforoutgoingemail: true,
    enabledforact: true,
    processinglastattemptedon: null,
    postponemailboxprocessinguntil: null,
    lastsuccessfulsynccompletedon: null,
    lastsyncerror: null,
    lastsyncerrorcode: null,
    lastsyncerrorcount: 0,
    lastsyncerroroccurredon: null,
    transientfailurecount: 0,
    ewsurl: null,
    statecode: 0,
    ...fields,
  };
}
