import type { OrgState } from "../state.js";

/** What Autodiscover says about one address, whichever protocol asks. */
export type AutodiscoverAnswer =
  | { kind: "settings"; address: string; displayName: string; ewsUrl: string; build: string; serverHost: string }
  | { kind: "redirectAddr"; address: string }
  | { kind: "redirectUrl"; url: string }
  | { kind: "notFound"; address: string };

/** `askedHost` is the server answering: the host a redirectUrl names knows the mailbox itself, as the target of a real redirect does. */
export function decideAutodiscover(org: OrgState, address: string, askedHost?: string): AutodiscoverAnswer {
  const mailbox = org.mailbox(address);
  if (!mailbox || mailbox.knobs.notFound) return { kind: "notFound", address };
  if (mailbox.knobs.redirectAddr) return { kind: "redirectAddr", address: mailbox.knobs.redirectAddr };
  if (mailbox.knobs.redirectUrl && hostOf(mailbox.knobs.redirectUrl) !== askedHost) return { kind: "redirectUrl", url: mailbox.knobs.redirectUrl };
  const home = org.homeOf(mailbox);
  const build = org.server(home)?.build ?? "15.1.2507.6";
  return {
    kind: "settings",
    address: mailbox.address,
    displayName: mailbox.displayName,
    ewsUrl: `https://${home}/EWS/Exchange.asmx`,
    build,
    serverHost: home,
  };
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}
