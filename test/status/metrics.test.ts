import { afterEach, describe, expect, it } from "vitest";
import { seedSummaries, startStatusHost, summary, type StatusHost } from "./fixtures.js";

let app: StatusHost | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

// The text exposition format 0.0.4, line by line.
const metricName = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const labelValue = '"(?:[^"\\\\\\n]|\\\\\\\\|\\\\"|\\\\n)*"';
const labels = `\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=${labelValue}(?:,[a-zA-Z_][a-zA-Z0-9_]*=${labelValue})*,?)?\\}`;
const value = "(?:[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?|NaN|[+-]Inf)";
const sampleLine = new RegExp(`^(${metricName})(${labels})? ${value}(?: -?\\d+)?$`);
const helpLine = new RegExp(`^# HELP (${metricName}) (?:[^\\\\\\n]|\\\\\\\\|\\\\n)*$`);
const typeLine = new RegExp(`^# TYPE (${metricName}) (counter|gauge|histogram|summary|untyped)$`);

interface Parsed {
  families: Map<string, { help?: string; type?: string; samples: string[] }>;
}

function parseExposition(text: string): Parsed {
  expect(text.endsWith("\n")).toBe(true);
  const families: Parsed["families"] = new Map();
  const seenSamplesOf = new Set<string>();
  for (const line of text.slice(0, -1).split("\n")) {
    const help = helpLine.exec(line);
    const type = typeLine.exec(line);
    const sample = sampleLine.exec(line);
    if (help !== null) {
      expect(seenSamplesOf.has(help[1]!), `HELP after samples: ${line}`).toBe(false);
      families.set(help[1]!, { ...families.get(help[1]!), help: line, samples: [] });
    } else if (type !== null) {
      expect(seenSamplesOf.has(type[1]!), `TYPE after samples: ${line}`).toBe(false);
      families.get(type[1]!)!.type = type[2]!;
    } else if (sample !== null) {
      const family = families.get(sample[1]!);
      expect(family?.help, `sample before HELP: ${line}`).toBeDefined();
      expect(family?.type, `sample before TYPE: ${line}`).toBeDefined();
      seenSamplesOf.add(sample[1]!);
      family!.samples.push(line);
    } else {
      expect.fail(`not a line of the exposition format: ${JSON.stringify(line)}`);
    }
  }
  return { families };
}

describe("GET /api/metrics", () => {
  it("gives a hybrid profile's two mailbox steps one series each, labelled by wire", async () => {
    app = await startStatusHost();
    const error = { category: "access-denied", code: "ErrorAccessDenied", transient: false, message: "m", remediation: "r" } as const;
    const step = (name: string, ok: boolean) => (ok ? { step: name, ok, elapsedMs: 10 } : { step: name, ok, elapsedMs: 10, error });
    await seedSummaries(app.context, [
      summary("hybrid", {
        lastTestConnection: { at: "2025-05-01T10:25:00.000Z", ok: true, elapsedMs: 60, steps: [step("token", true), step("graph", true), step("mailbox", true), step("autodiscover", true), step("ews", true), step("mailbox", false)] },
      }),
    ]);
    const { families } = parseExposition(await (await app.get("metrics")).text());
    const series = families.get("exchange_sync_test_connection_step_success")!.samples;
    expect(series).toEqual([
      'exchange_sync_test_connection_step_success{profile="hybrid",step="token",api="graph"} 1',
      'exchange_sync_test_connection_step_success{profile="hybrid",step="graph",api="graph"} 1',
      'exchange_sync_test_connection_step_success{profile="hybrid",step="mailbox",api="graph"} 1',
      'exchange_sync_test_connection_step_success{profile="hybrid",step="autodiscover",api="ews"} 1',
      'exchange_sync_test_connection_step_success{profile="hybrid",step="ews",api="ews"} 1',
      'exchange_sync_test_connection_step_success{profile="hybrid",step="mailbox",api="ews"} 0',
    ]);
    for (const family of families.values()) {
      const names = family.samples.map((line) => line.slice(0, line.lastIndexOf(" ")));
      expect(new Set(names).size, `${family.name}: a series twice`).toBe(names.length);
    }
  });

  it("exposes every figure in the Prometheus text format, labels escaped", async () => {
    app = await startStatusHost();
    await seedSummaries(app.context, [
      summary("contoso", { name: 'Contoso "EU"\\main\nsecond line', lastHour: { processed: 15, failed: 10, succeeded: 5, failurePercent: 66.67, from: "", to: "", failedByCategory: { "auth-failed": 7, "mailbox-not-found": 3 } }, health: "failing",
        lastEmail: { at: "2025-05-01T10:00:00.000Z", kind: "reminder", outcome: "refused", reason: "550 mailbox unavailable" }, emailOutcomes: { sent: 3, refused: 1, uncertain: 2 } }),
      summary("fabrikam", { lastTestConnection: { at: "2025-05-01T10:25:00.000Z", ok: false, elapsedMs: 31, steps: [{ step: "autodiscover", ok: true, elapsedMs: 20 }, { step: "ews", ok: false, elapsedMs: 11, error: { category: "timeout", code: "ETIMEDOUT", transient: true, message: "m", remediation: "r" } }, { step: "mailbox", ok: null, elapsedMs: 0 }] },
        readiness: { ews: "blocked-by-policy", ewsShutdown: "2027-04-01", ewsDaysLeft: 700, graphPermissions: { status: "checked", granted: ["Mail.Read"], missing: ["Calendars.Read"] }, speaksFor: { kind: "sync-app", app: { tenantId: "t", clientId: "c" } }, checkedAt: "2025-05-01T10:25:00.000Z", checkedBy: "daily-check" } }),
    ]);
    const response = await app.get("metrics");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await response.text();
    const { families } = parseExposition(text);
    const samples = (name: string) => families.get(`exchange_sync_${name}`)?.samples ?? [];

    expect(samples("profile_info")).toContain('exchange_sync_profile_info{profile="contoso",name="Contoso \\"EU\\"\\\\main\\nsecond line",server_type="exchange-server",product="Exchange Server 2016",build="15.1.2507.6"} 1');
    expect(samples("failure_ratio")).toContain(`exchange_sync_failure_ratio{profile="contoso"} ${10 / 15}`);
    expect(samples("mailboxes_processed")).toContain('exchange_sync_mailboxes_processed{profile="contoso"} 15');
    expect(samples("mailboxes_failed")).toContain('exchange_sync_mailboxes_failed{profile="contoso"} 10');
    expect(samples("test_connection_step_success")).toEqual(
      expect.arrayContaining(['exchange_sync_test_connection_step_success{profile="fabrikam",step="autodiscover",api="ews"} 1', 'exchange_sync_test_connection_step_success{profile="fabrikam",step="ews",api="ews"} 0']),
    );
    expect(samples("test_connection_step_success").some((l) => l.includes('profile="fabrikam",step="mailbox"'))).toBe(false);
    expect(samples("test_connection_step_elapsed_seconds")).toContain('exchange_sync_test_connection_step_elapsed_seconds{profile="contoso",step="autodiscover",api="ews"} 0.12');
    // Checked at 2025-05-01T10:25:00Z with 30 days left.
    expect(samples("certificate_expiry_timestamp_seconds")).toContain(`exchange_sync_certificate_expiry_timestamp_seconds{profile="contoso",host="mail.contoso.com"} ${Date.parse("2025-05-31T10:25:00.000Z") / 1000}`);
    expect(families.has("exchange_sync_certificate_expiry_seconds")).toBe(false);
    expect(samples("mailboxes_failed_by_category")).toEqual([
      'exchange_sync_mailboxes_failed_by_category{profile="contoso",category="auth-failed"} 7',
      'exchange_sync_mailboxes_failed_by_category{profile="contoso",category="mailbox-not-found"} 3',
    ]);
    expect(samples("emails_total")).toEqual(expect.arrayContaining([
      'exchange_sync_emails_total{profile="contoso",outcome="sent"} 3',
      'exchange_sync_emails_total{profile="contoso",outcome="refused"} 1',
      'exchange_sync_emails_total{profile="contoso",outcome="uncertain"} 2',
      'exchange_sync_emails_total{profile="fabrikam",outcome="refused"} 0',
    ]));
    expect(samples("last_email_timestamp_seconds")).toEqual([`exchange_sync_last_email_timestamp_seconds{profile="contoso",kind="reminder",outcome="refused"} ${Date.parse("2025-05-01T10:00:00.000Z") / 1000}`]);
    expect(samples("ews_readiness")).toEqual(
      expect.arrayContaining(['exchange_sync_ews_readiness{profile="fabrikam",state="blocked-by-policy",speaks_for="sync-app",app="c"} 1', 'exchange_sync_ews_readiness{profile="fabrikam",state="allowed",speaks_for="sync-app",app="c"} 0']),
    );
    expect(samples("ews_readiness").some((l) => l.includes('profile="contoso"'))).toBe(false);
    expect(samples("ews_days_left")).toEqual(['exchange_sync_ews_days_left{profile="fabrikam"} 700']);
    expect(samples("graph_permissions_missing")).toEqual(['exchange_sync_graph_permissions_missing{profile="fabrikam",speaks_for="sync-app",app="c"} 1']);
    expect(samples("mailboxes")).toContain('exchange_sync_mailboxes{profile="contoso",state="retrying"} 1');
    // One gauge for disabled mailboxes: exchange_sync_mailboxes{state="disabled"}.
    expect(samples("mailboxes")).toContain('exchange_sync_mailboxes{profile="contoso",state="disabled"} 1');
    expect(families.has("exchange_sync_mailboxes_disabled")).toBe(false);
    expect(families.get("exchange_sync_emails_sent_total")?.type).toBe("counter");
    expect(samples("emails_sent_total")).toContain('exchange_sync_emails_sent_total{profile="contoso"} 3');
    expect(samples("health")).toEqual(expect.arrayContaining(['exchange_sync_health{profile="contoso",health="failing"} 1', 'exchange_sync_health{profile="contoso",health="ok"} 0']));
    expect(samples("profiles")).toContain('exchange_sync_profiles{health="failing"} 1');
  });

  it("answers an empty exposition with no profile, and 304 on its ETag", async () => {
    app = await startStatusHost();
    const first = await app.get("metrics");
    parseExposition(await first.text());
    expect((await app.get("metrics", { "if-none-match": first.headers.get("etag")! })).status).toBe(304);
  });
});
