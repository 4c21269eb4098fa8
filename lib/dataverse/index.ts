export { DataverseClient, dataverseConnections, maxPageSize, type CollectionQuery, type CollectionRead, type DataverseClientOptions, type ThrottlePolicy } from "./client.js";
export { isEmptyPlan, mailboxFingerprint, planSync, profileFingerprint, type PlannedMailbox, type StoredMailboxState, type StoredProfileState, type SyncPlan } from "./diff.js";
export { emptyMap, loadMapFile, mapEntryFor, parseMapFile, type DataverseMap, type MapEntry, type MapFileParse } from "./map-file.js";
export { mapRecords, monitorProfileId, type DataverseSource, type ImportedMailbox, type ImportedProfile, type MailboxAlert, type MapInput, type PendingAuth, type Skipped } from "./map-records.js";
export { buildPull, readEnvironment, summarize, type EnvironmentRead, type PullJson, type PullResult, type PulledProfileSummary, type ReadOptions } from "./pull.js";
export { serverTypeOf, type ServerType } from "./server-type.js";
export { dataverseToken, principalOf, resolveIdentity, type DataverseIdentity } from "./token.js";
export * from "./verdict.js";
export { exitCodeOf, formatPull, runPull, type PullEnvironment, type PullRun } from "./run-pull.js";
