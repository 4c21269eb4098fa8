import type { Profile } from "../config/profile.js";
import type { ProbeEnvironment } from "../engine/open-session.js";
import type { MailboxCheck, StepName, TestConnectionReport } from "../model/connection.js";
import type { MailboxRecord } from "../model/mailbox.js";
import type { Readiness } from "../model/readiness.js";
import type { Outcome } from "../model/result.js";
import type { ItemSource } from "../util/as-read.js";
import type { Places } from "../util/places.js";

export type { ProbeEnvironment };

/** The probe kinds, after blackbox_exporter's probers: one file each in this folder. */
export type ProbeKindName = "ews" | "graph" | "hybrid";

/** What one probe of a profile may spend: the cycle gives each shard its part of the profile's connections. */
export interface ConnectionBudget {
  maxConnections: number;
}

/**
 * A kind's Test Connection: the public report (its steps named as the kind names them), plus whatever else the
 * kind keeps; `publicReport` in lib/recording picks the contract's fields.
 */
export type ConnectionRun = TestConnectionReport & {
  /**
   * The checks of the test mailboxes and of the mailboxes carried `alongside`, full ones as a cycle's (the cycle
   * records them instead of asking again).
   */
  testMailboxChecks?: MailboxCheck[];
};

/** Called once for every mailbox checked, in any order; the cycle and Test & Enable record through it. */
export type OnChecked = (record: MailboxRecord, check: MailboxCheck) => Promise<void>;

/** How one kind of endpoint is probed; the cycle, the on-demand endpoints and the command line use only this. */
export interface ProbeKind {
  readonly name: ProbeKindName;
  /** Test Connection's steps in the order they run; a kind that cannot be opened fails the first one. */
  readonly steps: readonly [StepName, ...StepName[]];
  /**
   * Present when the kind takes a shard's mailboxes as they are read (absent: it needs them all first, and the schedule
   * does not ask for them so). Given the first page of the shard that runs Test Connection, whether its test mailbox
   * would be the same picked from these as from all: the probe is then opened with a profile listing only these.
   */
  startsOnFirstPage?(first: readonly MailboxRecord[]): boolean;
  /**
   * Resolves the profile's credentials (a secret from `environment.env`; a token-based kind may fetch its token
   * here) and opens its connection budget. A failure here is no verdict on any mailbox: the cycle records it as
   * the first Test Connection step and leaves the mailboxes' state alone (a missing secret setting, a refused
   * client secret); what a server says about one mailbox belongs in that mailbox's check.
   */
  open(profile: Profile, budget: ConnectionBudget, environment: ProbeEnvironment): Promise<Outcome<OpenProbe>>;
}

export interface CheckEndpointsOptions {
  /** Also checked as Test & Enable would, without changing any state, and listed in the report. */
  mailboxes?: readonly string[];
  /** A kind that checks readiness puts it in the run unless this is false (the cycle checks it once a day instead). */
  readiness?: boolean;
  /**
   * The cycle's mailboxes that may ride in the test mailbox's own request where there is room: full checks, in
   * `testMailboxChecks`, not listed in the report. One there is no room for is left out.
   */
  alongside?: readonly Pick<MailboxRecord, "address" | "wanted">[];
  /**
   * Where the cycle last found the profile's mailboxes (the EWS URL Autodiscover gave) and their states: a hybrid
   * profile's EWS side then tests a mailbox that lives on premises, not one Autodiscover placed in Exchange Online,
   * and its Graph side one placed there, a disabled one only when no other is (nothing places it again).
   */
  placed?: readonly (Pick<MailboxRecord, "address" | "ewsUrl"> & Partial<Pick<MailboxRecord, "state">>)[];
  /**
   * No cycle has placed the mailboxes (the command line): a hybrid profile asks Autodiscover where the mailboxes asked
   * for and its own mailboxes with no location live, approved first, until one is found in Exchange Online and one on
   * premises (as the cycle's first run places them), so that each side tests a mailbox of its own. A profile with
   * Autodiscover off is not asked.
   */
  placeByAutodiscover?: boolean;
}

/** One profile's probe, open: credentials resolved, connections counted against the budget until `close`. */
export interface OpenProbe {
  /** Test Connection (see CheckEndpointsOptions). */
  checkEndpoints(options?: CheckEndpointsOptions): Promise<ConnectionRun>;
  /** Exchange Online and hybrid profiles: the EWS-retirement readiness check (one token, one EWS request). */
  checkReadiness?(): Promise<Readiness>;
  /**
   * Checks the mailboxes, at most `places` requests' worth at a time (one by one or in batches, as the kind
   * likes), and reports each through `onChecked`. A failure of one mailbox, even a bug, is that mailbox's check.
   * A place held by the cycle's Test Connection is taken by a mailbox when it comes free. Mailboxes still being read
   * are checked as they come (a kind that needs them all first waits for them); if they cannot be read, the read's
   * error is thrown once the checks under way have ended (the redelivered message checks the mailboxes left).
   */
  checkMailboxes(mailboxes: ItemSource<MailboxRecord>, places: Places, onChecked: OnChecked): Promise<void>;
  /**
   * The mailboxes Test Connection opens when none is asked for (its test mailboxes), and those of `due` its own
   * requests have room for (a Graph batch carries four mailboxes): the cycle has Test Connection check them, as
   * `alongside`, and checks them nowhere else.
   */
  testMailboxes(due?: readonly MailboxRecord[], placed?: CheckEndpointsOptions["placed"]): string[];
  /** The most connections that were open at once so far. */
  peakConnections(): number;
  close(): Promise<void>;
}
