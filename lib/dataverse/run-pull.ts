import type { TokenCache } from "../auth/oauth.js";
import type { DataverseSettings } from "../config/dataverse-settings.js";
import type { FieldProblem } from "../config/issues.js";
import type { Failure } from "../model/failure.js";
import type { NetworkSettings, Timeouts } from "../net/index.js";
import { DataverseClient, dataverseConnections, type ThrottlePolicy } from "./client.js";
import { emptyMap, loadMapFile } from "./map-file.js";
import { buildPull, readEnvironment, type PullJson, type PullResult } from "./pull.js";
import { resolveIdentity } from "./token.js";

export interface PullEnvironment {
  /** The app settings, where the secret settings named by DATAVERSE_* live. */
  env: Record<string, string | undefined>;
  /** DNS_SERVERS, TRUSTED_CA_FILE's PEM, and (tests) connect-to. */
  network: NetworkSettings;
  /** The app context's access tokens. */
  tokens: TokenCache;
  timeouts?: Partial<Timeouts>;
  pageSize?: number;
  throttle?: Partial<ThrottlePolicy>;
  now?: number;
}

/** One pull, as `dataverse pull` and the sync see it: exit 0 read, 1 Dataverse could not be read, 2 wrong settings. */
export type PullRun =
  | { kind: "read"; result: PullResult; requests: number; warnings: Failure[] }
  | { kind: "unreadable"; failure: Failure }
  | { kind: "wrong-settings"; problems: FieldProblem[] };

/** Reads Dataverse with the app's settings and turns it into monitor profiles; writes nothing. */
export async function runPull(settings: DataverseSettings, environment: PullEnvironment): Promise<PullRun> {
  const identity = resolveIdentity(settings.credentials, environment.env);
  if (!identity.ok) {
    const field = settings.credentials.kind === "certificate" ? "DATAVERSE_CERTIFICATE_PATH_SETTING" : "DATAVERSE_CLIENT_SECRET_SETTING";
    return { kind: "wrong-settings", problems: [{ field, message: identity.failure.message }] };
  }
  let map = emptyMap;
  if (settings.mapFile !== undefined) {
    const loaded = await loadMapFile(settings.mapFile);
    if (!loaded.ok) return { kind: "wrong-settings", problems: loaded.problems.map((p) => (p.field.startsWith("DATAVERSE_") ? p : { field: `DATAVERSE_MAP_FILE ${p.field}`, message: p.message })) };
    map = loaded.map;
  }
  const conns = dataverseConnections(environment.network, environment.timeouts);
  try {
    const client = new DataverseClient({
      environment: settings.url,
      identity: identity.value,
      authorityHost: settings.authorityHost,
      conns,
      tokens: environment.tokens,
      ...(environment.pageSize === undefined ? {} : { pageSize: environment.pageSize }),
      ...(environment.throttle === undefined ? {} : { throttle: environment.throttle }),
    });
    const read = await readEnvironment(client, environment.now === undefined ? {} : { now: environment.now });
    if (!read.ok) return { kind: "unreadable", failure: read.failure };
    return { kind: "read", result: buildPull(read.value, map), requests: read.value.requests, warnings: read.value.warnings };
  } finally {
    await conns.close();
  }
}

export function exitCodeOf(run: PullRun): 0 | 1 | 2 {
  return run.kind === "read" ? 0 : run.kind === "unreadable" ? 1 : 2;
}

/** `dataverse pull` without --json: one line per profile, then what was skipped and why. */
export function formatPull(json: PullJson): string {
  const lines = json.profiles.map(
    (p) =>
      `${p.name} (${p.id}) ${p.serverType}, ${p.credentials === "mapped" ? "credentials mapped" : "NEEDS CREDENTIALS"}: ` +
      `${p.mailboxCount} mailboxes, ${p.approvedCount} approved; Dynamics: last Test Connection ${p.dynamics.lastTest}, ${p.dynamics.failingMailboxes} failing` +
      (p.syncApp === undefined ? "" : `; synchronization signs in as app ${p.syncApp.clientId} in tenant ${p.syncApp.tenantId}`),
  );
  if (json.skipped.length > 0) lines.push("", `skipped (${json.skipped.length}):`, ...json.skipped.map((s) => `  ${s.id}: ${s.reason}`));
  return lines.join("\n");
}
