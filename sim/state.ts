import {
  defaultMailboxKnobs,
  defaultServerKnobs,
  type AuthMethod,
  type ImpersonationScope,
  type MailboxKnobs,
  type OAuthAppSpec,
  type OrgSpec,
  type ServerKnobs,
  type ServerSpec,
  type ServiceAccountSpec,
  type SrvTarget,
} from "./spec.js";
import { cloudLoginHosts } from "./clouds.js";

export interface ServerState {
  spec: ServerSpec;
  name: string;
  group: string;
  build: string;
  auth: AuthMethod[];
  knobs: ServerKnobs;
}

export interface MailboxState {
  address: string;
  displayName: string;
  /** Home server as first given; `knobs.movedTo` overrides it. */
  server: string;
  knobs: MailboxKnobs;
}

/** Who a request authenticated as. */
export type Principal =
  | { kind: "account"; account: ServiceAccountSpec }
  | { kind: "app"; app: OAuthAppSpec };

const lower = (s: string): string => s.trim().toLowerCase();

/** The organisation as it is now: the spec plus every knob changed since. */
export class OrgState {
  readonly servers = new Map<string, ServerState>();
  readonly mailboxes = new Map<string, MailboxState>();
  /** The token authority named by the spec; the national clouds' login hosts answer tokens too (isLoginHost). */
  readonly loginHost: string;

  constructor(readonly spec: OrgSpec) {
    this.loginHost = lower(spec.loginHost ?? "login.microsoftonline.com");
    for (const s of spec.servers) {
      const name = lower(s.name);
      this.servers.set(name, {
        spec: s,
        name,
        group: s.group ?? this.groupOf(name),
        build: s.build ?? "15.1.2507.6",
        auth: s.auth ?? ["basic", "ntlm"],
        knobs: { ...defaultServerKnobs, ...s.knobs },
      });
    }
    for (const m of spec.mailboxes) {
      const address = lower(m.address);
      const knobs = { ...defaultMailboxKnobs, ...m.knobs };
      this.mailboxes.set(address, { address, displayName: m.displayName ?? address.split("@")[0]!, server: lower(m.server), knobs });
    }
  }

  /** The longest org domain the host equals or ends with; else the host's last two labels. */
  groupOf(host: string): string {
    const domains = this.spec.domains.map((d) => lower(d.name)).sort((a, b) => b.length - a.length);
    return domains.find((d) => host === d || host.endsWith(`.${d}`)) ?? host.split(".").slice(-2).join(".");
  }

  /** The primary login host and the national clouds' (see clouds.ts). */
  isLoginHost(host: string): boolean {
    const h = lower(host);
    return h === this.loginHost || (cloudLoginHosts as readonly string[]).includes(h);
  }

  server(host: string): ServerState | undefined {
    return this.servers.get(lower(host));
  }

  mailbox(address: string): MailboxState | undefined {
    return this.mailboxes.get(lower(address));
  }

  homeOf(m: MailboxState): string {
    return m.knobs.movedTo ? lower(m.knobs.movedTo) : m.server;
  }

  srvTargets(name: string): SrvTarget[] | undefined {
    const prefix = "_autodiscover._tcp.";
    if (!name.startsWith(prefix)) return undefined;
    return this.spec.domains.find((d) => lower(d.name) === name.slice(prefix.length))?.srv;
  }

  setServer(host: string, knobs: Partial<ServerKnobs>): void {
    const s = this.server(host);
    if (!s) throw new Error(`no simulated server ${host}`);
    Object.assign(s.knobs, knobs);
  }

  setMailbox(address: string, knobs: Partial<MailboxKnobs>): void {
    const m = this.mailbox(address);
    if (!m) throw new Error(`no simulated mailbox ${address}`);
    Object.assign(m.knobs, knobs);
  }

  account(user: string): ServiceAccountSpec | undefined {
    return this.spec.serviceAccounts?.find((a) => lower(a.upn) === lower(user));
  }

  /** Whether an app's Graph scope (application access policy / RBAC for Applications) covers the mailbox. */
  graphMayReach(app: OAuthAppSpec, address: string): boolean {
    return inScope(app.graphScope ?? "all", address);
  }

  /** A mailbox homed on Exchange Online (build 15.20.*) rather than on an on-premises server. */
  isCloudMailbox(m: MailboxState): boolean {
    return this.server(this.homeOf(m))?.build.startsWith("15.20.") ?? false;
  }

  app(tenant: string, clientId: string): OAuthAppSpec | undefined {
    return this.spec.oauthApps?.find((a) => lower(a.tenant) === lower(tenant) && lower(a.clientId) === lower(clientId));
  }

  knownTenant(tenant: string): boolean {
    return this.spec.oauthApps?.some((a) => lower(a.tenant) === lower(tenant)) ?? false;
  }

  mayImpersonate(p: Principal, address: string): boolean {
    const scope: ImpersonationScope | undefined = p.kind === "account" ? p.account.impersonation : p.app.impersonation;
    return scope !== undefined && inScope(scope, address);
  }
}

function inScope(scope: ImpersonationScope, address: string): boolean {
  const target = lower(address);
  return scope === "all" || scope.some((a) => (a.startsWith("@") ? target.endsWith(lower(a)) : lower(a) === target));
}
