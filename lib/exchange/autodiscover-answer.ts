import { makeFailure } from "../diagnosis/failure.js";
import type { RemediationContext } from "../diagnosis/remediation.js";
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

/**
 * Exchange's answer is input like any other: a URL that is not an absolute http(s) URL, or an address that is not
 * an address, makes the whole answer invalid instead of reaching code that would trip over it.
 */
export function checkedAnswer(answer: AutodiscoverAnswer, context: RemediationContext): AutodiscoverAnswer {
  const bad = (what: string, value: string): AutodiscoverAnswer => ({
    kind: "invalid",
    failure: makeFailure("invalid-response", { code: "autodiscover-bad-value", message: `Autodiscover answered ${what} "${value.slice(0, 200)}", which is not usable.`, context }),
  });
  switch (answer.kind) {
    case "settings": {
      const external = answer.externalEwsUrl !== undefined && isWebUrl(answer.externalEwsUrl) ? answer.externalEwsUrl : undefined;
      const internal = answer.internalEwsUrl !== undefined && isWebUrl(answer.internalEwsUrl) ? answer.internalEwsUrl : undefined;
      const fixed = external === undefined && internal === undefined ? (isWebUrl(answer.ewsUrl) ? answer : undefined) : settingsAnswer(external, internal, answer.server);
      return fixed ?? bad("the EWS URL", answer.ewsUrl);
    }
    case "redirect-url":
      return isWebUrl(answer.url) ? answer : bad("the redirect URL", answer.url);
    case "redirect-address":
      return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(answer.address) ? answer : bad("the redirect address", answer.address);
    default:
      return answer;
  }
}

function isWebUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === "https:" || url.protocol === "http:") && url.hostname !== "";
}
