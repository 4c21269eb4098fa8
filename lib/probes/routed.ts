import { authenticatedRequest, exchangeOnlineDomains, resolveCredentials, SecretBook, type OAuthCloud, type OAuthCredentials, type TokenCache } from "../auth/index.js";
import { redactDeep } from "../diagnosis/redact.js";
import type { ProbeApi } from "../config/probe-api.js";
import type { MailboxConfig, Profile } from "../config/profile.js";
import { credentialHostRefused, makeFailure } from "../diagnosis/failure.js";
import { checkMailboxes as checkEwsMailboxes } from "../engine/check-mailboxes.js";
import { isHostAllowed, isMicrosoft365Host } from "../util/hosts.js";
import { profileConnections } from "../engine/open-session.js";
import { ProbeSession } from "../engine/session.js";
import { discover } from "../engine/autodiscover.js";
import { publicCheck, testConnection, testMailboxOf, type TestAddress } from "../engine/test-connection.js";
import { refusedHost } from "../graph/token.js";
import { checkGraphMailboxes, checkReadiness, ewsUrlOf, graphClouds, mailboxesPerBatch, mayReceiveCredentials, testGraphConnection, uniqueMailboxes, type GraphCheckOptions, type GraphMailbox } from "../graph/index.js";
import type { MailboxCheck, StepName, TestConnectionReport } from "../model/connection.js";
import type { Failure, FailureCategory } from "../model/failure.js";
import type { MailboxRecord } from "../model/mailbox.js";
import type { Readiness } from "../model/readiness.js";
import { fail, succeed } from "../model/result.js";
import type { ProfileConnections } from "../net/index.js";
import type { CheckEndpointsOptions, ConnectionBudget, ConnectionRun, OnChecked, OpenProbe, ProbeEnvironment, ProbeKind, ProbeKindName } from "./kind.js";
import { allOf, isAsRead, mapAsRead, type AsRead, type ItemSource } from "../util/as-read.js";
import { lastStartedOfEach, limitOf, withLastStarted, withLimit, type Places } from "../util/places.js";

/** Which wire a mailbox is probed through: its configured location, or the EWS URL Autodiscover gave last time. */
export type Route = (profile: Profile, mailbox: Pick<MailboxConfig, "location"> | undefined, cachedEwsUrl?: string) => ProbeApi;

/**
 * A probe kind for profiles with Microsoft Entra app credentials (Exchange Online and hybrid): each mailbox goes
 * through Graph or EWS as `route` says, both over ONE set of profile connections, so the profile's Maximum
 * Concurrent Connections holds across both wires; readiness (the EWS retirement) is checked with the same app.
 */
export function routedKind(name: ProbeKindName, steps: readonly [StepName, ...StepName[]], route: Route, options: { fallbackToEws?: boolean } = {}): ProbeKind {
  // Graph alone takes mailboxes as they are read: it routes every one to Graph and none back to EWS, and its Test
  // Connection tests the first approved mailbox (first in address order, as pages come). A hybrid's test mailboxes depend
  // on where every mailbox was placed, and EWS takes its mailboxes host by host.
  const takesMailboxesAsRead = name === "graph";
  return {
    name,
    steps,
    ...(takesMailboxesAsRead ? { startsOnFirstPage: (first: readonly MailboxRecord[]) => first.some((m) => m.approved) } : {}),
    async open(profile, budget, environment) {
      const resolved = resolveCredentials(profile.auth, environment.env, environment.credentialOverrides);
      if (!resolved.ok) return fail(resolved.failure);
      if (resolved.value.kind !== "oauth") {
        return fail(
          makeFailure("credential-format", {
            code: "GraphNeedsApp",
            message: `The ${name} probe needs Microsoft Entra app credentials (auth kind "oauth"), not ${resolved.value.kind}`,
            transient: false,
            context: { serverType: profile.serverType },
          }),
        );
      }
      // The app's secret goes to the cloud's own authority only, on the Graph side and the EWS side alike.
      const cloud = graphClouds[resolved.value.cloud];
      if (!mayReceiveCredentials(cloud, resolved.value.authorityHost)) {
        return fail(refusedHost(cloud, resolved.value.authorityHost, "The token request (with the app's secret or certificate assertion)"));
      }
      return succeed(new RoutedProbe(takesMailboxesAsRead, profile, budget, environment, resolved.value, route, steps[0] === "token" ? "graph" : "ews", options.fallbackToEws === true));
    },
  };
}

/** How many of a hybrid profile's own mailboxes the command line's Test Connection asks Autodiscover about, at most. */
const maxPlacedForTest = 10;
/** Autodiscover failures of one mailbox alone: placing the others goes on. */
const mailboxOwnFailures: ReadonlySet<FailureCategory> = new Set(["autodiscover-error", "autodiscover-not-found", "mailbox-not-found"]);
/** Failed lookups after which placing stops whatever they were (each may take a timeout). */
const maxFailedPlacements = 3;

const approvedFirst = <M extends { approved: boolean }>(mailboxes: readonly M[]): M[] => [...mailboxes.filter((m) => m.approved), ...mailboxes.filter((m) => !m.approved)];

/** Where Autodiscover last placed each mailbox (its EWS URL), and which of them are disabled, by lower-case address. */
interface Placements {
  urls: ReadonlyMap<string, string | undefined>;
  disabled: ReadonlySet<string>;
}

function placementsOf(records: CheckEndpointsOptions["placed"] = []): Placements {
  const urls = new Map<string, string | undefined>();
  const disabled = new Set<string>();
  for (const r of records) {
    const address = r.address.toLowerCase();
    urls.set(address, r.ewsUrl);
    if (r.state === "disabled") disabled.add(address);
  }
  return { urls, disabled };
}

class RoutedProbe implements OpenProbe {
  readonly #connections: ProfileConnections;
  readonly #tokens: TokenCache;
  readonly #session: ProbeSession;
  /** The app's secret and every token this probe sends, redacted from whatever Graph, Entra or EWS say back. */
  readonly #secrets: SecretBook;

  constructor(
    /** Its mailboxes are batched for Graph as they are read (see routedKind). */
    readonly takesMailboxesAsRead: boolean,
    readonly profile: Profile,
    readonly budget: ConnectionBudget,
    environment: ProbeEnvironment,
    readonly credentials: OAuthCredentials,
    readonly route: Route,
    /** The wire Test Connection uses when the profile has no mailbox at all. */
    readonly defaultApi: ProbeApi,
    /** Hybrid: a mailbox Graph says is not in the cloud, with no configured location, is checked through EWS. */
    readonly fallbackToEws: boolean,
  ) {
    this.#connections = profileConnections(budget.maxConnections, environment);
    this.#tokens = environment.tokens;
    this.#secrets = SecretBook.of(credentials);
    this.#session = this.#sessionFor(profile);
  }

  /**
   * EWS through the shared connections, the profile's trusted domains, and the app's Bearer token: for Exchange
   * Online's EWS host with its scope; for an on-premises server (hybrid modern authentication, where the server's
   * URL is a service principal name of Office 365 Exchange Online) for that server as the resource.
   */
  #sessionFor(profile: Profile): ProbeSession {
    const credentials = this.credentials;
    const secrets = this.#secrets;
    const tokens = this.#tokens;
    const hybrid = profile.serverType === "exchange-online-hybrid";
    const exchangeOnline = new Set(exchangeOnlineDomains[credentials.cloud]);
    // The token for Exchange Online's resource opens every mailbox the app may reach: it goes to Exchange Online's own
    // hosts in the profile's cloud only, never to Autodiscover on a mail domain (often a website hosted elsewhere).
    const scopeFor = (host: string): string | undefined => {
      if (isHostAllowed(host, exchangeOnline)) return credentials.scope;
      return hybrid && !isMicrosoft365Host(host) ? `https://${host}/.default` : undefined;
    };
    return new ProbeSession(profile, this.#connections, {
      scheme: "bearer",
      send: async (connections, request) => {
        const host = new URL(request.url).hostname.toLowerCase();
        const scope = scopeFor(host);
        if (scope === undefined) return fail(exchangeTokenRefused(request.url, credentials.cloud));
        return authenticatedRequest(connections, tokens, { ...credentials, scope }, request, secrets);
      },
      redact: secrets.redact,
    });
  }

  #graphOptions(limit: Places): GraphCheckOptions {
    const context = { serverType: this.profile.serverType, signsInAs: "app" as const, clientId: this.credentials.clientId };
    const options: GraphCheckOptions = { connections: this.#connections, tokens: this.#tokens, credentials: this.credentials, cloud: this.credentials.cloud, limit, context, secrets: this.#secrets };
    if (this.profile.syncApp !== undefined) options.syncApp = this.profile.syncApp;
    return options;
  }

  #configured: Map<string, MailboxConfig> | undefined;

  /** The profile's mailbox by address (a shard can hold many thousands: looked up, not searched). */
  #configOf(address: string): MailboxConfig | undefined {
    this.#configured ??= new Map(this.profile.mailboxes.map((m) => [m.address.toLowerCase(), m]));
    return this.#configured.get(address.toLowerCase());
  }

  #apiOf(address: string, cachedEwsUrl?: string): ProbeApi {
    return this.route(this.profile, this.#configOf(address), cachedEwsUrl);
  }

  /**
   * The configured mailboxes each side of Test Connection may test: as their configuration routes them; a hybrid one
   * with no location by where Autodiscover last placed it, and through Graph while it is not placed yet (Graph first:
   * the cycle falls back to EWS only if Graph says it is not in the cloud). When no mailbox is configured as Graph's,
   * those placed in Exchange Online, then those not placed yet, are (`graphByPlace`): a hybrid profile from Dynamics
   * (no locations) tests both wires.
   */
  #testSides({ urls, disabled }: Placements): { graph: MailboxConfig[]; ews: MailboxConfig[]; graphByPlace: boolean } {
    const graph: MailboxConfig[] = [];
    const ews: MailboxConfig[] = [];
    const inCloudByPlace: MailboxConfig[] = [];
    const unplaced: MailboxConfig[] = [];
    for (const m of this.profile.mailboxes) {
      const url = urls.get(m.address.toLowerCase());
      if (!this.fallbackToEws || m.location !== undefined) (this.#apiOf(m.address) === "graph" ? graph : ews).push(m);
      else if (url === undefined) unplaced.push(m);
      else (this.#apiOf(m.address, url) === "graph" ? inCloudByPlace : ews).push(m);
    }
    // A disabled mailbox is not checked, so nothing would place it anew if it moved back on premises: it is Graph's
    // test mailbox only when no other is in the cloud or not placed yet.
    const enabled = (m: MailboxConfig) => !disabled.has(m.address.toLowerCase());
    const byPlace = [...inCloudByPlace.filter(enabled), ...unplaced.filter(enabled), ...inCloudByPlace.filter((m) => !enabled(m)), ...unplaced.filter((m) => !enabled(m))];
    if (graph.length === 0 && byPlace.length > 0) return { graph: byPlace, ews, graphByPlace: true };
    return { graph, ews, graphByPlace: false };
  }

  /** The mailbox EWS readiness asks about: the first (approved first) that lives in the cloud, else the first. */
  #readinessAddress(): string | undefined {
    const ordered = approvedFirst(this.profile.mailboxes);
    return (ordered.find((m) => this.#apiOf(m.address) === "graph") ?? ordered[0])?.address;
  }

  checkReadiness(): Promise<Readiness> {
    const options: Parameters<typeof checkReadiness>[0] = { connections: this.#connections, tokens: this.#tokens, credentials: this.credentials, cloud: this.credentials.cloud, secrets: this.#secrets };
    const address = this.#readinessAddress();
    if (address !== undefined) options.address = address;
    if (this.profile.syncApp !== undefined) options.syncApp = this.profile.syncApp;
    return checkReadiness(options);
  }

  /**
   * Graph's test mailbox and EWS's (the first approved mailbox on each side, else the first), as checkEndpoints opens
   * them, and the first three of `due` that Graph's test batch has room for. Only a mailbox sure to be Graph's goes
   * there: a hybrid one with no location might be found not in the cloud, and is then checked through EWS.
   */
  testMailboxes(due: readonly MailboxRecord[] = [], placed: CheckEndpointsOptions["placed"] = []): string[] {
    const sides = this.#testSides(placementsOf(placed));
    const graphTest = testMailboxOf(sides.graph)?.address;
    const surelyGraph = (m: MailboxRecord) =>
      this.#apiOf(m.address) === "graph" && this.route(this.profile, m, m.ewsUrl) === "graph" && (!this.fallbackToEws || m.location !== undefined);
    const room: string[] = [];
    for (const m of graphTest === undefined ? [] : due) {
      if (room.length === mailboxesPerBatch - 1) break;
      if (m.address.toLowerCase() !== graphTest!.toLowerCase() && surelyGraph(m)) room.push(m.address);
    }
    return [graphTest, ...room, testMailboxOf(sides.ews)?.address].filter((a): a is string => a !== undefined);
  }

  async checkEndpoints(options: CheckEndpointsOptions = {}): Promise<ConnectionRun> {
    const started = performance.now();
    const requested = [...new Set((options.mailboxes ?? []).map((a) => a.toLowerCase()))];
    const wantReadiness = options.readiness !== false;
    const placeNow = options.placeByAutodiscover === true && this.fallbackToEws && this.profile.autodiscover;
    const placed = placementsOf(options.placed ?? (placeNow ? await this.#placeForTest(requested) : []));
    const sides = this.#testSides(placed);
    const side = (api: ProbeApi) => ({
      requested: requested.filter((a) => this.#apiOf(a, placed.urls.get(a)) === api),
      configured: sides[api],
    });
    const graph = side("graph");
    const ews = side("ews");
    const none = requested.length === 0 && this.profile.mailboxes.length === 0;
    const runGraph = graph.requested.length > 0 || graph.configured.length > 0 || (none && this.defaultApi === "graph");
    const runEws = ews.requested.length > 0 || ews.configured.length > 0 || (none && this.defaultApi === "ews");

    const report: TestConnectionReport = { profile: this.profile.id, ok: false, elapsedMs: 0, steps: [], mailboxes: [], certificates: [] };
    const checks = new Map<string, MailboxCheck>();
    const tested: MailboxCheck[] = [];
    let readiness: Readiness | undefined;

    if (runGraph) {
      const chosen: TestAddress | undefined = graph.requested[0] !== undefined ? { address: graph.requested[0], addressFrom: "requested" } : testMailboxOf(graph.configured);
      const testAddress = chosen?.address;
      const asked = [...new Set([...(testAddress === undefined ? [] : [testAddress]), ...graph.requested])];
      const room = Math.max(0, mailboxesPerBatch - asked.length);
      // Each carried as its record says (the channels it wants), not as the profile listed it.
      const alongside = uniqueMailboxes((options.alongside ?? []).filter((m) => !asked.includes(m.address.toLowerCase()) && this.#apiOf(m.address, placed.urls.get(m.address.toLowerCase())) === "graph")).slice(0, room);
      const list = [...asked.map((address) => ({ address, wanted: this.#wantedOf(address) })), ...alongside];
      const run = await testGraphConnection({ ...this.#graphOptions(this.budget.maxConnections), mailboxes: list, checkEws: wantReadiness });
      report.steps.push(...run.steps.map((s) => (s.step === "mailbox" && s.ok !== null && chosen !== undefined ? { ...s, ...chosen } : s)));
      for (const check of run.mailboxes) checks.set(check.address, check);
      const opened = new Set([testAddress, ...alongside.map((m) => m.address)]);
      // A test mailbox with no location that Graph says is not in the cloud (on premises, or moved back there) is left
      // to the cycle's own check, which tries it through EWS and places it anew.
      const movedBack = (m: MailboxCheck) => sides.graphByPlace && this.fallbackToEws && m.address === testAddress && !m.ok && m.error.category === "mailbox-not-in-cloud";
      tested.push(...run.mailboxes.filter((m) => opened.has(m.address) && !movedBack(m)));
      if (wantReadiness) readiness = run.readiness;
    }
    if (runEws) {
      // Test Connection's test mailbox is one that lives on-premises; the other mailboxes' domains stay trusted.
      const view: Profile = {
        ...this.profile,
        mailboxes: ews.configured,
        trustedDomains: [...new Set([...this.profile.trustedDomains, ...this.profile.mailboxes.map((m) => m.address.split("@")[1]!)])],
      };
      const run = await testConnection(this.#sessionFor(view), { mailboxes: ews.requested });
      report.steps.push(...run.steps);
      for (const check of run.mailboxes) checks.set(check.address, check);
      if (run.tested !== undefined) tested.push(publicCheck(run.tested));
      if (run.server !== undefined) report.server = run.server;
    }
    if (wantReadiness && readiness === undefined) readiness = await this.checkReadiness();

    report.mailboxes = requested.flatMap((a) => checks.get(a) ?? []);
    report.certificates = this.#connections.certificates();
    report.ok = report.steps.length > 0 && report.steps.every((s) => s.ok === true) && report.mailboxes.every((m) => m.ok);
    report.elapsedMs = Math.round(performance.now() - started);
    if (readiness !== undefined) report.readiness = readiness;
    return redactDeep(tested.length === 0 ? report : { ...report, testMailboxChecks: tested }, this.#secrets.redact);
  }

  /**
   * Where Autodiscover puts the mailboxes asked for, then the profile's own with no location until both sides have
   * one. A lookup failing for its mailbox alone (an unknown user) goes on to the next, up to three failures; one failing
   * for any (the network, TLS, sign-in: a timeout each) ends it. The mailboxes not placed go the EWS way, whose Test
   * Connection then shows the failure.
   */
  async #placeForTest(requested: readonly string[]): Promise<Pick<MailboxRecord, "address" | "ewsUrl">[]> {
    const session = this.#sessionFor(this.profile);
    const own = this.profile.mailboxes.filter((m) => m.location === undefined);
    const ownFirst = approvedFirst(own).slice(0, maxPlacedForTest).map((m) => m.address.toLowerCase());
    const candidates = [...new Set([...requested, ...ownFirst])];
    const placed: Pick<MailboxRecord, "address" | "ewsUrl">[] = [];
    const found = new Set<ProbeApi>();
    let failed = 0;
    for (const [i, address] of candidates.entries()) {
      if (i >= requested.length && found.size === 2) break;
      if (this.#configOf(address)?.location !== undefined) continue;
      const discovery = await discover(session, address).catch(() => undefined);
      if (discovery === undefined || !discovery.ok) {
        failed += 1;
        if (discovery !== undefined && mailboxOwnFailures.has(discovery.failure.category) && failed < maxFailedPlacements) continue;
        break;
      }
      placed.push({ address, ewsUrl: discovery.value.ewsUrl });
      found.add(this.#apiOf(address, discovery.value.ewsUrl));
    }
    return placed;
  }

  #wantedOf(address: string): GraphMailbox["wanted"] {
    const m = this.#configOf(address);
    return m === undefined ? { incoming: true, outgoing: true, appointmentsContactsTasks: true } : { incoming: m.incoming, outgoing: m.outgoing, appointmentsContactsTasks: m.appointmentsContactsTasks };
  }

  /**
   * Graph mailboxes go four to a batch, EWS mailboxes one request at a time; with both, the places are shared between
   * them in proportion to their requests (at least one each; a held place is Graph's), and the shared connections
   * cap them together.
   */
  async checkMailboxes(source: ItemSource<MailboxRecord>, places: Places, onChecked: OnChecked): Promise<void> {
    if (isAsRead(source) && this.takesMailboxesAsRead) return this.#checkAsRead(source, places, onChecked);
    const mailboxes = await allOf(source);
    const limit = limitOf(places);
    const viaGraph: MailboxRecord[] = [];
    const viaEws: MailboxRecord[] = [];
    for (const record of mailboxes) (this.route(this.profile, record, record.ewsUrl) === "graph" ? viaGraph : viaEws).push(record);
    const byAddress = new Map(viaGraph.map((r) => [r.address.toLowerCase(), r]));
    // A hybrid mailbox sent to Graph only by a cached URL that Graph says is not in the cloud (moved on-premises):
    // it is checked through EWS instead, found afresh, and goes there from now on.
    const notInCloud: MailboxRecord[] = [];
    const reportGraph = async (address: string, check: MailboxCheck) => {
      const record = byAddress.get(address.toLowerCase())!;
      if (this.fallbackToEws && record.location === undefined && !check.ok && check.error.category === "mailbox-not-in-cloud") {
        const { ewsUrl: _url, ewsUrlDiscoveredAt: _at, ...rest } = record;
        notInCloud.push(rest);
        return;
      }
      await onChecked(record, check);
    };
    const graphPart = (graphLimit: Places) =>
      viaGraph.length === 0
        ? Promise.resolve()
        : checkGraphMailboxes(
            viaGraph.map((r) => ({ address: r.address, wanted: r.wanted })),
            this.#graphOptions(graphLimit),
            reportGraph,
          ).then(() => undefined);
    const ewsPart = (ewsLimit: Places) =>
      viaEws.length === 0 ? Promise.resolve() : checkEwsMailboxes(this.#session, viaEws, ewsLimit, (record, check) => onChecked(record, publicCheck(check)));
    const split = splitLimit(limit, Math.ceil(viaGraph.length / mailboxesPerBatch), viaEws.length);
    // The cycle hears that the last request has started once both wires have started theirs.
    const hooks = lastStartedOfEach(places, viaGraph.length > 0 && viaEws.length > 0 ? 2 : 1);
    const graphStarted = hooks[0]!;
    const ewsStarted = hooks.at(-1)!;
    if (split.kind === "one-after-the-other") {
      await graphPart(withLastStarted(places, graphStarted));
      await ewsPart(withLastStarted(viaGraph.length === 0 ? places : limit, ewsStarted));
    } else {
      // Both wires end before anything is thrown: checks still arriving after the cycle wrote its last results would be lost.
      const ended = await Promise.allSettled([graphPart(withLastStarted(withLimit(places, split.graph), graphStarted)), ewsPart(withLastStarted(split.ews, ewsStarted))]);
      const failed = ended.find((e): e is PromiseRejectedResult => e.status === "rejected");
      if (failed !== undefined) throw failed.reason;
    }
    if (notInCloud.length > 0) await checkEwsMailboxes(this.#session, notInCloud, limit, (record, check) => onChecked(record, publicCheck(check)));
  }

  /** Mailboxes as they are read, batched for Graph as they come. */
  async #checkAsRead(source: AsRead<MailboxRecord>, places: Places, onChecked: OnChecked): Promise<void> {
    const byAddress = new Map<string, MailboxRecord>();
    const graphMailboxes = mapAsRead(source, (records) =>
      records.map((r) => {
        byAddress.set(r.address.toLowerCase(), r);
        return { address: r.address, wanted: r.wanted };
      }),
    );
    await checkGraphMailboxes(graphMailboxes, this.#graphOptions(places), (address, check) => onChecked(byAddress.get(address.toLowerCase())!, check));
  }

  peakConnections(): number {
    return this.#connections.stats().peakSockets;
  }

  close(): Promise<void> {
    return this.#connections.close();
  }
}

export type LimitSplit = { kind: "one-after-the-other" } | { kind: "side-by-side"; graph: number; ews: number };

/** `limit` requests in flight shared by Graph batches and EWS requests in proportion to how many each has to send. */
export function splitLimit(limit: number, graphRequests: number, ewsRequests: number): LimitSplit {
  if (graphRequests === 0 || ewsRequests === 0 || limit < 2) return { kind: "one-after-the-other" };
  const graph = Math.min(limit - 1, Math.max(1, Math.round((limit * graphRequests) / (graphRequests + ewsRequests))));
  return { kind: "side-by-side", graph, ews: limit - graph };
}

/** Exchange Online's app token would leave its own hosts: nothing is sent, and the advice names the URL to use. */
function exchangeTokenRefused(url: string, cloud: OAuthCloud): Failure {
  return credentialHostRefused({
    what: "The app's Exchange Online token",
    where: url,
    whose: `one of Exchange Online's own hosts in the ${graphClouds[cloud].label} cloud`,
    allowed: exchangeOnlineDomains[cloud],
    context: { host: new URL(url).hostname },
    remediation: `An app token for Exchange Online opens every mailbox the app may reach, so it is only sent to Exchange Online itself. Autodiscover on a mail domain reaches it through the domain's autodiscover record; to skip Autodiscover, turn it off and set the profile's incoming and outgoing URLs to ${ewsUrlOf(graphClouds[cloud])}.`,
  });
}
