import type { Profile } from "../config/profile.js";
import { authenticatedRequest, resolveCredentials, SecretBook, type CredentialOverrides, type Credentials, type TokenCache } from "../auth/index.js";
import { fail, succeed, type Outcome } from "../model/result.js";
import { ProfileConnections, type NetworkSettings, type Timeouts } from "../net/index.js";
import { ProbeSession, type Authenticator } from "./session.js";

/** What the process gives every probe: app settings (for secrets), the network, the context's tokens, and test overrides. */
export interface ProbeEnvironment {
  env: Record<string, string | undefined>;
  network: NetworkSettings;
  tokens: TokenCache;
  credentialOverrides?: CredentialOverrides;
  timeouts?: Partial<Timeouts>;
}

/** Resolves the profile's credentials and opens its connection budget; a missing secret setting is a failure, not a crash. */
export function openSession(profile: Profile, maxConnections: number, environment: ProbeEnvironment): Outcome<ProbeSession> {
  const credentials = resolveCredentials(profile.auth, environment.env, environment.credentialOverrides);
  if (!credentials.ok) return fail(credentials.failure);
  return succeed(new ProbeSession(profile, profileConnections(maxConnections, environment), authenticatorFor(credentials.value, environment.tokens)));
}

/** A profile's connection budget over the process's network settings (and its test timeouts, if any). */
export function profileConnections(maxConnections: number, environment: ProbeEnvironment): ProfileConnections {
  const options: ConstructorParameters<typeof ProfileConnections>[0] = { maxConnections, network: environment.network };
  if (environment.timeouts !== undefined) options.timeouts = environment.timeouts;
  return new ProfileConnections(options);
}

function authenticatorFor(credentials: Credentials, tokens: TokenCache): Authenticator {
  const scheme = credentials.kind === "oauth" ? "bearer" : credentials.kind;
  const book = SecretBook.of(credentials);
  return { scheme, send: (connections, request) => authenticatedRequest(connections, tokens, credentials, request, book), redact: book.redact };
}
