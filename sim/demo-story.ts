/**
 * What each demo profile shows once the demo runs, as data: the walkthrough prints it and the demo's end-to-end test
 * (test/local-demo.test.ts) holds the running demo to it, so what the banner promises is what happens.
 */
export interface DemoStory {
  /** One line: what the simulated organisation does to this profile. */
  shows: string;
  /** The profile's health once its first cycles rolled up. */
  health: "ok" | "degraded" | "failing" | "unknown";
  /** Whether more than half of its mailboxes fail, so its owner gets an alert email (at most one an hour). */
  ownerAlerted: boolean;
}

export const demoStories: Readonly<Record<string, DemoStory>> = {
  "contoso-ex2016": { shows: "Exchange 2016, healthy", health: "ok", ownerAlerted: false },
  "fabrikam-ex2019": {
    shows: "Exchange 2019, 6 of 10 mailboxes fail (not found, impersonation denied, busy, unreachable, redirected, calendar access denied)",
    health: "failing",
    ownerAlerted: true,
  },
  "northwind-ex2016": { shows: "Exchange 2016 with Basic authentication off on EWS: every mailbox fails", health: "failing", ownerAlerted: true },
  "tailspin-online": {
    shows: "Exchange Online probed through Microsoft Graph with the monitor's own Entra app, healthy; synchronization uses another app, so readiness speaks for the monitor's and names both",
    health: "ok",
    ownerAlerted: false,
  },
  "wingtip-online": {
    shows: "Exchange Online on Microsoft Graph, signed in as synchronization's own app: EWS blocks it by policy and it lacks Tasks.ReadWrite.All, so every mailbox fails its tasks (readiness speaks for synchronization itself)",
    health: "failing",
    ownerAlerted: true,
  },
  "adventure-hybrid": {
    shows: "Exchange hybrid, healthy: Autodiscover places each mailbox; kim and lena are probed through Microsoft Graph, omar and pia through the on-premises EWS with the same app's token",
    health: "ok",
    ownerAlerted: false,
  },
  "woodgrove-ex2019": { shows: "in Dynamics 365, but without credentials in the map file: listed, never probed", health: "unknown", ownerAlerted: false },
};
