import { SecretBook, type OAuthCredentials, type TokenCache } from "../auth/index.js";
import { redactDeep } from "../diagnosis/redact.js";
import { makeFailure } from "../diagnosis/failure.js";
import type { MailboxCheck, StepResult } from "../model/connection.js";
import type { Failure } from "../model/failure.js";
import type { AppRef, GraphPermissions, Readiness } from "../model/readiness.js";
import type { Outcome } from "../model/result.js";
import type { ProfileConnections } from "../net/index.js";
import { mailboxesPerBatch } from "./batch.js";
import { checkBatch, checkGraphMailboxes, startRun, uniqueMailboxes, wantedOf, type GraphCheckOptions, type GraphMailbox } from "./check.js";
import { graphBaseUrlOf, graphClouds, type GraphCloudName } from "./clouds.js";
import { askEws } from "./ews-policy.js";
import { mailboxFailed } from "./mailbox-result.js";
import { buildReadiness, ewsReadinessFrom, graphPermissionsFrom, graphPermissionsNotChecked, monitorAppOf, syncPermissionsIn, type EwsReadiness } from "./readiness.js";
import { graphToken } from "./token.js";
import { readTokenClaims, type TokenRead } from "./token-roles.js";

export interface ReadinessOptions {
  connections: ProfileConnections;
  tokens: TokenCache;
  credentials: OAuthCredentials;
  cloud: GraphCloudName;
  /** The mailbox EWS is asked about; without one EWS is not checked. */
  address?: string;
  /** Ask EWS at all (Exchange Online and hybrid profiles; default true). */
  checkEws?: boolean;
  /** The app registration synchronization itself uses, when known (Dataverse). */
  syncApp?: AppRef;
  now?: Date;
  /** The secrets to redact from what Graph, Entra and EWS say (one book per probe). */
  secrets?: SecretBook;
}

/** The daily readiness check: the Graph token's roles against sync's permissions, and one EWS request. */
export async function checkReadiness(options: ReadinessOptions, graphTokenOutcome?: Outcome<string>): Promise<Readiness> {
  const cloud = graphClouds[options.cloud];
  const secrets = options.secrets ?? SecretBook.of(options.credentials);
  const token = graphTokenOutcome ?? (await graphToken(options.connections, options.tokens, options.credentials, cloud, secrets));
  const claims = token.ok ? readTokenClaims(token.value) : undefined;
  const input = {
    ews: await ewsReadiness(options, secrets),
    graphPermissions: permissionsOf(token, claims, syncPermissionsIn(cloud)),
    now: options.now ?? new Date(),
    monitorApp: monitorAppOf({ tenantId: options.credentials.tenantId, clientId: options.credentials.clientId }, claims?.ok === true ? claims.claims.tenantId : undefined),
  };
  // Stored by the daily check as it is: every word a server sent in it (the token's failure too) leaves redacted.
  return redactDeep(buildReadiness(options.syncApp === undefined ? input : { ...input, syncApp: options.syncApp }), secrets.redact);
}

function permissionsOf(token: Outcome<string>, claims: TokenRead | undefined, needed: readonly string[]): GraphPermissions {
  if (!token.ok) return graphPermissionsNotChecked(`no Graph token: ${token.failure.message}`);
  if (claims === undefined || !claims.ok) return graphPermissionsNotChecked(claims?.reason ?? "the access token was not read");
  return graphPermissionsFrom(claims.claims.roles, needed);
}

async function ewsReadiness(options: ReadinessOptions, secrets: SecretBook): Promise<EwsReadiness> {
  if (options.checkEws === false) return { state: "not-checked", reason: "EWS readiness applies to Exchange Online and hybrid profiles only" };
  if (options.address === undefined) return { state: "not-checked", reason: "the profile has no mailbox to ask EWS about" };
  return ewsReadinessFrom(await askEws(options.connections, options.tokens, options.credentials, graphClouds[options.cloud], options.address, secrets), secrets.redact);
}

export interface GraphConnectionTestOptions extends GraphCheckOptions {
  /** The mailboxes to check; the first is Test Connection's test mailbox. */
  mailboxes: GraphMailbox[];
  checkEws?: boolean;
  now?: Date;
}

/** Test Connection through Graph: steps token, graph and mailbox, each mailbox's channels, and the readiness object. */
export interface GraphConnectionTest {
  ok: boolean;
  elapsedMs: number;
  steps: StepResult[];
  mailboxes: MailboxCheck[];
  readiness: Readiness;
}

export async function testGraphConnection(given: GraphConnectionTestOptions): Promise<GraphConnectionTest> {
  const started = performance.now();
  const secrets = given.secrets ?? SecretBook.of(given.credentials);
  const options: GraphConnectionTestOptions = { ...given, secrets };
  const cloud = graphClouds[options.cloud];
  const steps: StepResult[] = [];
  const timed = async <T>(body: () => Promise<T>): Promise<[T, number]> => {
    const t = performance.now();
    const value = await body();
    return [value, Math.round(performance.now() - t)];
  };
  const push = (step: StepResult["step"], elapsedMs: number, url: string, error?: Failure) =>
    steps.push(error === undefined ? { step, ok: true, elapsedMs, url } : { step, ok: false, elapsedMs, url, error });
  const skip = (step: StepResult["step"]) => steps.push({ step, ok: null, elapsedMs: 0 });

  const mailboxes = uniqueMailboxes(options.mailboxes);
  // The test mailbox's batch has room for three more: the first mailboxes asked for go in it.
  const firstBatch = mailboxes.slice(0, mailboxesPerBatch);
  const rest = mailboxes.slice(mailboxesPerBatch);
  const first = firstBatch[0];
  const results = new Map<string, MailboxCheck>();

  const tokenUrl = `${options.credentials.authorityHost}/${options.credentials.tenantId}/oauth2/v2.0/token`;
  const [token, tokenMs] = await timed(() => graphToken(options.connections, options.tokens, options.credentials, cloud, secrets));
  push("token", tokenMs, tokenUrl, token.ok ? undefined : token.failure);

  if (!token.ok) {
    skip("graph");
    skip("mailbox");
    for (const m of mailboxes) results.set(m.address, mailboxFailed(m.address, wantedOf(m), token.failure));
  } else if (first === undefined) {
    push("graph", 0, `${graphBaseUrlOf(cloud)}/$batch`, noAddress());
    skip("mailbox");
  } else {
    const batch = await checkBatch(startRun(options), firstBatch);
    for (const result of batch.checks) results.set(result.address, result);
    const check = results.get(first.address)!;
    push("graph", batch.answeredMs, batch.transport.url, batch.transport.ok ? undefined : batch.transport.failure);
    if (batch.transport.ok) push("mailbox", check.elapsedMs, `${graphBaseUrlOf(cloud)}/users/${encodeURIComponent(first.address)}`, check.ok ? undefined : check.error);
    else skip("mailbox");
    await checkGraphMailboxes(rest, options, async (address, result) => void results.set(address, result));
  }

  const readinessOptions: ReadinessOptions = { connections: options.connections, tokens: options.tokens, credentials: options.credentials, cloud: options.cloud, secrets };
  if (first !== undefined) readinessOptions.address = first.address;
  if (options.checkEws !== undefined) readinessOptions.checkEws = options.checkEws;
  if (options.syncApp !== undefined) readinessOptions.syncApp = options.syncApp;
  if (options.now !== undefined) readinessOptions.now = options.now;
  const readiness = await checkReadiness(readinessOptions, token);

  const checks = mailboxes.flatMap((m) => results.get(m.address) ?? []);
  // Every word a server said, redacted once more on the way out.
  return redactDeep(
    {
      ok: steps.every((s) => s.ok === true) && checks.every((c) => c.ok),
      elapsedMs: Math.round(performance.now() - started),
      steps,
      mailboxes: checks,
      readiness,
    },
    secrets.redact,
  );
}

function noAddress(): Failure {
  return makeFailure("credential-format", { code: "NoAddress", message: "The profile has no mailbox to test the connection with", context: { api: "graph" } });
}
