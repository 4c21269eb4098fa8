export { ProfileConnections, type ConnectionSession } from "./connections.js";
export { headerValue, headerValues, defaultTimeouts, defaultMaxBodyBytes } from "./types.js";
export type { ConnectionsOptions, ConnectionStats, HttpMethod, HttpReply, HttpRequest, NetworkSettings, Timeouts } from "./types.js";
export { retryAfter } from "./retry-after.js";
