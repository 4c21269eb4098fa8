import type { PasswordCredentials } from "./credentials.js";

/** The Basic Authorization header value (RFC 7617, UTF-8). */
export function basicAuthorization(credentials: PasswordCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password.reveal()}`, "utf8").toString("base64")}`;
}
