import type { Profile } from "../config/profile.js";
import type { Redact } from "../diagnosis/redact.js";
import type { RemediationContext } from "../diagnosis/remediation.js";
import type { Outcome } from "../model/result.js";
import type { HttpReply, HttpRequest, ProfileConnections } from "../net/index.js";
import { isHostAllowed } from "../util/hosts.js";
import { credentialDomains } from "./domains.js";

export type AuthScheme = "basic" | "ntlm" | "bearer";

/** Sends a request with the profile's credentials (Basic header, NTLM handshake, or Bearer token). */
export interface Authenticator {
  readonly scheme: AuthScheme;
  send(connections: ProfileConnections, request: HttpRequest): Promise<Outcome<HttpReply>>;
  /** Removes every form of every secret this authenticator has used from a server's words. */
  readonly redact: Redact;
}

/** One profile's probing context: its connections (and their budget), credentials, and trusted domains. */
export class ProbeSession {
  readonly allowedDomains: Set<string>;

  constructor(
    readonly profile: Profile,
    readonly connections: ProfileConnections,
    readonly authenticator: Authenticator,
  ) {
    this.allowedDomains = credentialDomains(profile);
  }

  get authScheme(): AuthScheme {
    return this.authenticator.scheme;
  }

  /** For every failure built from this session's answers: Exchange may quote back what we sent. */
  get redact(): Redact {
    return this.authenticator.redact;
  }

  /** Credentials go only over https and only to hosts inside the profile's domains (invariant 3). */
  mayReceiveCredentials(url: string): boolean {
    const parsed = new URL(url);
    return parsed.protocol === "https:" && isHostAllowed(parsed.hostname, this.allowedDomains);
  }

  sendWithCredentials(request: HttpRequest): Promise<Outcome<HttpReply>> {
    return this.authenticator.send(this.connections, { ...request, carriesCredentials: true });
  }

  sendAnonymous(request: HttpRequest): Promise<Outcome<HttpReply>> {
    return this.connections.request(request);
  }

  context(extra: RemediationContext = {}): RemediationContext {
    const auth = this.profile.auth;
    const context: RemediationContext = { serverType: this.profile.serverType, signsInAs: auth.kind === "oauth" ? "app" : "service-account", ...extra };
    if (auth.kind === "oauth") context.clientId = auth.clientId;
    if (auth.username !== undefined) context.username = auth.username;
    const setting = auth.kind === "oauth" ? auth.clientSecretSetting : auth.passwordSetting;
    if (setting !== undefined) context.secretSetting = setting;
    return context;
  }

  close(): Promise<void> {
    return this.connections.close();
  }
}
