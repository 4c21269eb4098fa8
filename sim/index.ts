export { startSimulatedOrg, type SimEndpoints, type SimulatedOrg } from "./org.js";
export { demoOrganisation, demoClientId, demoClientSecret, demoPasswords, demoTenant } from "./demo.js";
export { parseOrgSpec } from "./load.js";
export { throwawaySecret } from "./throwaway-secret.js";
export { Counters, type CredentialRecord, type Gauge, type RequestRecord, type UrlProtocol } from "./counters.js";
export * from "./spec.js";
