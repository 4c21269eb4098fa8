import { DataverseClient, dataverseConnections, type DataverseClientOptions } from "../../lib/dataverse/client.js";
import { Secret, TokenCache } from "../../lib/auth/index.js";
import type { DataverseIdentity } from "../../lib/dataverse/token.js";
import { demoOrganisation, demoTenant, startSimulatedOrg, type OrgSpec, type SimulatedOrg } from "../../sim/index.js";
import { demoDataverseClientId, demoDataverseHost, demoDataverseSecret, demoProfileIds, withDemoDataverse, type DataverseSpec } from "../../sim/dataverse/index.js";

export const environment = `https://${demoDataverseHost}`;

/** What a pull of the demo environment says of Contoso (the library's pull and `dataverse pull --json` alike), written out by hand. */
export const demoContosoPull = {
  id: demoProfileIds.contoso,
  name: "Contoso Exchange 2016",
  serverType: "exchange-server",
  credentials: "mapped",
  mailboxCount: 8,
  approvedCount: 7,
  dynamics: { lastTest: "success", failingMailboxes: 2 },
};

/** The demo organisation with a Dataverse environment (the demo's, unless another is given) and extra app registrations. */
export function dataverseOrg(dataverse?: DataverseSpec, extraApps: NonNullable<OrgSpec["oauthApps"]> = []): OrgSpec {
  const spec = withDemoDataverse(demoOrganisation(), dataverse);
  return { ...spec, oauthApps: [...(spec.oauthApps ?? []), ...extraApps] };
}

export function startDataverseSim(dataverse?: DataverseSpec, extraApps: NonNullable<OrgSpec["oauthApps"]> = []): Promise<SimulatedOrg> {
  return startSimulatedOrg(dataverseOrg(dataverse, extraApps));
}

export function appIdentity(clientId = demoDataverseClientId, secret = demoDataverseSecret): DataverseIdentity {
  return { kind: "client-secret", tenantId: demoTenant, clientId, secret: new Secret(secret) };
}

/** A client that reaches the simulated environment over real HTTPS (the sim's DNS, CA and ports), with a new token cache unless given one. */
export function simClient(sim: SimulatedOrg, options: Partial<DataverseClientOptions> = {}): DataverseClient {
  const conns = dataverseConnections(
    { dnsServers: [sim.dnsServers], extraCaPem: sim.endpoints.caPem, connectTo: (host, port) => sim.connectTo(host, port) },
    { connectMs: 2_000, headersMs: 5_000, bodyMs: 5_000, totalMs: 20_000 },
  );
  return new DataverseClient({ environment, identity: appIdentity(), authorityHost: "https://login.microsoftonline.com", conns, tokens: new TokenCache(), ...options });
}
