import { probeApiFor } from "../config/probe-api.js";
import { graphStepNames, stepNames } from "../model/connection.js";
import { routedKind } from "./routed.js";

/**
 * The Microsoft Graph prober (Exchange Online): an app-only token from the cloud's authority, then JSON batches
 * of four mailboxes' folder requests; Test Connection's steps are token, graph and mailbox, with readiness.
 */
export const graphKind = routedKind("graph", graphStepNames, () => "graph");

/**
 * Hybrid profiles: each mailbox where it lives — Graph for cloud mailboxes, EWS (Autodiscover, then GetFolder with
 * the app's token) for on-premises ones — within one connection budget. Test Connection runs the Graph steps for
 * a cloud mailbox and the EWS steps for an on-premises one, then readiness. A mailbox with no configured location
 * that Graph says is not in the cloud (MailboxNotEnabledForRESTAPI) is checked through EWS in the same cycle.
 */
export const hybridKind = routedKind("hybrid", [...graphStepNames, ...stepNames], (profile, mailbox, cachedEwsUrl) => probeApiFor(profile, mailbox, cachedEwsUrl), { fallbackToEws: true });

/** Exchange Online probed through EWS by choice (`api: "ews"`): the EWS steps, and readiness, which matters most there. */
export const ewsOnlineKind = routedKind("ews", stepNames, () => "ews");
