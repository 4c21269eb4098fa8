export { DataverseState, entitySets, type DataverseCounters, type EntitySetName } from "./state.js";
export { demoDataverse, demoDataverseClientId, demoDataverseHost, demoDataverseMap, demoDataverseSecret, demoDataverseSettings, demoMonitorIds, demoProfileIds, withDemoDataverse } from "./demo.js";
export { generateDataverse, type LargeOrgOptions } from "./generate.js";
export { dvId, idKinds } from "./ids.js";
export * from "./spec.js";
