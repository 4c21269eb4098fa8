import type { OverviewModel, ProfilePageModel, ProfileRow } from "../../lib/status/dashboard/view-model.js";

/** Dashboard view models as the route will fill them: four profiles, one named to attack the page. */

export const now = "2026-11-30T14:20:00.000Z";
export const hostileName = "<script>window.__pwned = 1; alert(1)</script>";
/** Breaks out of a double-quoted attribute if unescaped, and would load an image from outside. */
export const attributeBreaker = `x" onmouseover="window.__pwned=2" data-x="`;
export const hostileMessage = `The server said: <img src="http://198.51.100.7/x.png" onerror="window.__pwned=3"> '"></td><script>window.__pwned=4</script>`;

const hourMs = 3_600_000;
const hourStart = (hoursAgo: number): string => new Date(Math.floor(Date.parse(now) / hourMs) * hourMs - hoursAgo * hourMs).toISOString();

/** `count` hours ending with the current one, `failed(i)` of 40 failing in the i-th hour from the oldest. */
function hours(count: number, failed: (i: number) => number, maintenance: (i: number) => boolean = () => false) {
  return Array.from({ length: count }, (_, i) => ({ start: hourStart(count - 1 - i), processed: 40, failed: failed(i), maintenance: maintenance(i) }));
}

const states = { "pending-approval": 0, enabled: 40, retrying: 0, disabled: 0 };

export const contoso: ProfileRow = {
  profileId: "contoso",
  name: "Contoso (on-premises)",
  serverType: "exchange-server",
  health: "ok",
  lastHour: { processed: 40, failed: 0, failurePercent: 0 },
  hourly: hours(24, () => 0),
  certificateDaysLeft: 212,
  mailboxStates: states,
  lastCycleAt: "2026-11-30T14:15:00.000Z",
};

export const fabrikam: ProfileRow = {
  profileId: "fabrikam",
  name: "Fabrikam",
  serverType: "exchange-online-hybrid",
  health: "failing",
  lastHour: { processed: 40, failed: 30, failurePercent: 75 },
  // Only 5 hours of data: the chart still draws 24 bars, the first 19 without data; two hours in maintenance.
  hourly: hours(5, (i) => [0, 2, 40, 30, 30][i]!, (i) => i === 2 || i === 3),
  certificateDaysLeft: 9,
  mailboxStates: { "pending-approval": 0, enabled: 10, retrying: 20, disabled: 10 },
  readiness: { ews: "blocked-by-policy", ewsDaysLeft: 122, graphPermissions: { granted: ["Mail.ReadWrite"], missing: ["Calendars.ReadWrite"] } },
  lastCycleAt: "2026-11-30T14:16:00.000Z",
  maintenanceNow: {
    window: { day: "monday", from: "13:00", to: "15:00", timeZone: "UTC", reason: "CU15 upgrade" },
    start: "2026-11-30T13:00:00.000Z",
    end: "2026-11-30T15:00:00.000Z",
  },
};

export const northwind: ProfileRow = {
  profileId: "northwind",
  name: "Northwind",
  serverType: "exchange-online",
  health: "stale",
  lastHour: { processed: 0, failed: 0, failurePercent: 0 },
  hourly: hours(24, (i) => (i % 5 === 0 ? 3 : 0)).slice(0, 20),
  certificateDaysLeft: null,
  mailboxStates: states,
  readiness: { ews: "allowed", ewsDaysLeft: 122 },
  lastCycleAt: "2026-11-30T10:05:00.000Z",
};

export const hostile: ProfileRow = {
  profileId: "hostile",
  name: hostileName,
  serverType: attributeBreaker,
  health: "degraded",
  lastHour: { processed: 40, failed: 4, failurePercent: 10 },
  hourly: hours(24, (i) => i % 4),
  certificateDaysLeft: -3,
  mailboxStates: states,
};

export const overviewModel = (code?: string): OverviewModel => ({
  now,
  links: { basePath: "/api/dashboard", ...(code === undefined ? {} : { code }) },
  profiles: [contoso, fabrikam, northwind, hostile],
});

const authFailed = {
  category: "auth-failed" as const,
  code: "401",
  transient: false,
  message: "The server refused the user name or password of svc-crm@fabrikam.com.",
  remediation: "Check the password of svc-crm@fabrikam.com in FABRIKAM_EWS_PASSWORD and that the account is not locked.",
};

export const profilePageModel = (code?: string): ProfilePageModel => ({
  now,
  links: { basePath: "/api/dashboard", ...(code === undefined ? {} : { code }) },
  profile: { ...fabrikam, owner: "crm-admin@fabrikam.com", server: { product: "Exchange Server 2019", build: "15.2.1544.4" } },
  failingMailboxes: {
    total: 4,
    truncated: false,
    items: [
      { address: "ann@fabrikam.com", state: "disabled", consecutiveFailures: 5, lastCheckedAt: "2026-11-30T14:10:00.000Z", nextAttemptAt: null, failingAfter: "2026-11-30T09:00:00.000Z", diagnosis: authFailed },
      { address: "bob@fabrikam.com", state: "retrying", consecutiveFailures: 2, lastCheckedAt: "2026-11-30T14:09:00.000Z", nextAttemptAt: "2026-11-30T14:40:00.000Z", failingAfter: null, diagnosis: authFailed },
      {
        address: "carol@fabrikam.com",
        state: "retrying",
        consecutiveFailures: 1,
        lastCheckedAt: "2026-11-30T14:08:00.000Z",
        nextAttemptAt: "2026-11-30T14:30:00.000Z",
        failingAfter: "2026-11-30T13:00:00.000Z",
        diagnosis: { category: "mailbox-not-found", code: "ErrorNonExistentMailbox", transient: false, message: hostileMessage, remediation: "Check that carol@fabrikam.com exists and is licensed." },
      },
      { address: attributeBreaker, state: "disabled", consecutiveFailures: 9, lastCheckedAt: null, nextAttemptAt: null, failingAfter: null, diagnosis: null },
    ],
  },
  testConnection: {
    at: "2026-11-30T14:00:00.000Z",
    ok: false,
    elapsedMs: 812,
    steps: [
      { step: "autodiscover", ok: true, elapsedMs: 420, url: "https://autodiscover.fabrikam.com/autodiscover/autodiscover.xml" },
      { step: "ews", ok: false, elapsedMs: 392, url: "https://mail.fabrikam.com/EWS/Exchange.asmx", error: authFailed },
      { step: "mailbox", ok: null, elapsedMs: 0 },
    ],
  },
  certificates: [{ host: "mail.fabrikam.com", trusted: true, namesMatch: true, daysLeft: 9 }],
  recentAlerts: [
    { at: "2026-11-30T13:05:00.000Z", kind: "mailbox-disabled", audiences: ["mailbox", "owner"], address: "ann@fabrikam.com", message: "Mailbox ann@fabrikam.com was disabled after 5 failures.", diagnosis: authFailed },
  ],
  emails: [
    { at: "2026-11-30T12:10:00.000Z", kind: "alert", subject: "Fabrikam: 75% of mailboxes failing", recipient: "crm-admin@fabrikam.com", outcome: "sent" },
    { at: "2026-11-30T13:10:00.000Z", kind: "reminder", subject: "Fabrikam: still 75% failing", recipient: "crm-admin@fabrikam.com", outcome: "unknown", reason: "connection closed after DATA" },
  ],
  emailsSent: 2,
  lastEmailAt: "2026-11-30T13:10:00.000Z",
  maintenance: [fabrikam.maintenanceNow!.window, { start: "2026-12-05T22:00:00+01:00", end: "2026-12-06T02:00:00+01:00" }],
});
