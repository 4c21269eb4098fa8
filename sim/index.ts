export { startSimulatedOrg, type SimEndpoints, type SimulatedOrg } from "./org.js";
export { demoOrganisation, demoClientId, demoClientSecret, demoPasswords, demoTenant, tailspinSyncClientId, wingtipClientId, wingtipClientSecret, wingtipTenant } from "./demo.js";
export { parseOrgSpec } from "./load.js";
export { throwawaySecret } from "./throwaway-secret.js";
export { Counters, type CredentialRecord, type Gauge, type GraphCounts, type RequestRecord, type UrlProtocol } from "./counters.js";
export { cloudGraphHosts, cloudLoginHosts } from "./clouds.js";
export * from "./spec.js";
