import { randomBytes } from "node:crypto";

/**
 * A credential for the simulator, made anew in every process: the repository holds no password or client
 * secret, not even a simulator's. `label` only says what it is for when it shows up in a test failure.
 */
export function throwawaySecret(label: string): string {
  return `${label}-${randomBytes(18).toString("base64url")}`;
}
