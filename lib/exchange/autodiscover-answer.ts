import type { Failure } from "../model/failure.js";
import type { ServerBuild } from "./server-version.js";

/** What one Autodiscover endpoint (POX or SOAP) said about one address. */
export type AutodiscoverAnswer =
  | {
      kind: "settings";
      /** The URL to use: external when the server gave one, else internal. */
      ewsUrl: string;
      internalEwsUrl?: string;
      externalEwsUrl?: string;
      server?: ServerBuild;
    }
  /** Start discovery again for another address (same credentials). */
  | { kind: "redirect-address"; address: string }
  /** Ask this Autodiscover URL instead (must be https and not yet visited). */
  | { kind: "redirect-url"; url: string }
  /** Autodiscover answered with its own error code (POX "500" = address not found; SOAP "InvalidUser"). */
  | { kind: "error"; errorCode: string; message: string }
  /** Not an Autodiscover answer at all: try the next candidate. */
  | { kind: "invalid"; failure: Failure };

export function settingsAnswer(
  externalEwsUrl: string | undefined,
  internalEwsUrl: string | undefined,
  server: ServerBuild | undefined,
): AutodiscoverAnswer | undefined {
  const ewsUrl = externalEwsUrl ?? internalEwsUrl;
  if (ewsUrl === undefined) return undefined;
  const answer: AutodiscoverAnswer & { kind: "settings" } = { kind: "settings", ewsUrl };
  if (internalEwsUrl !== undefined) answer.internalEwsUrl = internalEwsUrl;
  if (externalEwsUrl !== undefined) answer.externalEwsUrl = externalEwsUrl;
  if (server !== undefined) answer.server = server;
  return answer;
}
