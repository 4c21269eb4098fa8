import { mkdir, readFile, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAppContext } from "../../lib/app-context.js";
import { importProfile } from "../../lib/profiles/import.js";
import { defaultHostConfig } from "../../local/host-config.js";
import { startLocalHost, type LocalHost } from "../../local/host.js";
import { startSimulatedOrg, type SimulatedOrg } from "../../sim/index.js";
import { SmtpSink } from "../notify/support/smtp-sink.js";
import { contosoProfile, cycleOrganisation, cycleSecrets, litwareProfile } from "../support/cycle-org.js";
import { simEnvironment } from "../support/sim.js";
import { testSettings } from "../support/storage.js";

/**
 * docs/status-api.md against a real run (the local host, one cycle against the simulator over HTTPS, Azurite, a
 * notifier run against a real SMTP server, a maintenance window): every field the doc
 * lists exists in a real answer, and every field of a real answer is in the doc, so the doc cannot drift.
 * `WRITE_SAMPLES=1 npx vitest run test/status/status-api-doc.test.ts` writes the examples under docs/status-api/.
 */

const doc = "docs/status-api.md";
const samples = "docs/status-api";
const key = `doc-${process.pid}`;
let sim: SimulatedOrg;
let sink: SmtpSink;
let host: LocalHost;
const answers: { list?: unknown; detail?: unknown; metrics?: string; dashboard?: string; dashboardProfile?: string } = {};

beforeAll(async () => {
  sim = await startSimulatedOrg(cycleOrganisation());
  sink = await new SmtpSink().start();
  const settings = testSettings({ SMTP_HOST: "127.0.0.1", SMTP_PORT: String(sink.port), SMTP_TLS: "none", SMTP_FROM: "monitor@contoso.com", STATUS_BASE_URL: "https://monitor.contoso.com" });
  const context = createAppContext(settings, { probe: simEnvironment(sim, cycleSecrets) });
  const contoso = { ...contosoProfile(), maintenance: [{ day: "sunday", from: "22:00", to: "02:00", timeZone: "Europe/Berlin", reason: "Exchange patching" }] };
  for (const profile of [contoso, litwareProfile()]) expect((await importProfile(context.storage, profile)).ok).toBe(true);
  host = await startLocalHost({
    context,
    port: 0,
    scheduleTimers: false,
    keys: { function: key, admin: `${key}-admin` },
    hostConfig: { ...defaultHostConfig, queues: { ...defaultHostConfig.queues, maxPollingIntervalMs: 200 } },
    log: () => {},
  });
  await host.timers.fire("schedule");
  await host.queues.idle(60_000);
  await host.timers.fire("notify");
  expect(sink.received.length).toBeGreaterThan(0);
  const get = (path: string) => fetch(`${host.url}/api/${path}`, { headers: { "x-functions-key": key } });
  answers.list = await (await get("status")).json();
  answers.detail = await (await get("status/litware")).json();
  answers.metrics = await (await get("metrics")).text();
  answers.dashboard = await (await get("dashboard")).text();
  answers.dashboardProfile = await (await get("dashboard/litware")).text();
  if (process.env.WRITE_SAMPLES === "1") {
    await mkdir(samples, { recursive: true });
    await writeFile(`${samples}/status-list.json`, `${JSON.stringify(answers.list, null, 2)}\n`);
    await writeFile(`${samples}/status-profile.json`, `${JSON.stringify(answers.detail, null, 2)}\n`);
    await writeFile(`${samples}/metrics.txt`, answers.metrics);
    await writeFile(`${samples}/dashboard.html`, answers.dashboard);
    await writeFile(`${samples}/dashboard-profile.html`, answers.dashboardProfile);
  }
}, 120_000);

afterAll(async () => {
  await host?.stop();
  await sink?.stop();
  await sim?.stop();
});

/** Every field path of a JSON value: arrays as `[]`; maps documented with `.*` are not entered. */
export function fieldPaths(value: unknown, maps: ReadonlySet<string>, prefix = ""): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown, path: string) => {
    if (Array.isArray(v)) for (const item of v) walk(item, `${path}[]`);
    else if (v !== null && typeof v === "object") {
      if (maps.has(path)) return;
      for (const [k, child] of Object.entries(v)) {
        const p = path === "" ? k : `${path}.${k}`;
        out.add(p);
        walk(child, p);
      }
    }
  };
  walk(value, prefix);
  return out;
}

/** The field tables of one section of the doc: first cell of each row, in backticks. */
function documented(markdown: string, heading: string): { fields: Set<string>; maps: Set<string>; optional: Set<string> } {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  expect(start, heading).toBeGreaterThan(-1);
  const end = markdown.indexOf("\n## ", start + 4);
  const section = markdown.slice(start, end === -1 ? undefined : end);
  const fields = new Set<string>();
  const maps = new Set<string>();
  const optional = new Set<string>();
  for (const m of section.matchAll(/^\| `([^`]+)` \|.*$/gm)) {
    const f = m[1]!;
    // A field the doc calls absent in some answers ("absent when …", "when it is not") need not be in this run's.
    if (/absent|when it is not/.test(m[0])) optional.add(f);
    if (f.endsWith(".*")) {
      maps.add(f.slice(0, -2));
      fields.add(f.slice(0, -2));
    } else fields.add(f);
  }
  return { fields, maps, optional };
}

describe("docs/status-api.md matches a real run", () => {
  for (const [heading, pick] of [
    ["GET /api/status", () => answers.list],
    ["GET /api/status/{profileId}", () => answers.detail],
  ] as const) {
    it(`${heading}: every field documented, every documented field present`, async () => {
      const markdown = await readFile(doc, "utf8");
      const { fields, maps, optional } = documented(markdown, heading);
      if (heading !== "GET /api/status") {
        // The detail's `profile` is the list's profile object: its fields are documented once, under /api/status.
        const list = documented(markdown, "GET /api/status");
        const asProfile = (f: string) => `profile.${f.slice("profiles[].".length)}`;
        for (const f of list.fields) if (f.startsWith("profiles[].")) fields.add(asProfile(f));
        for (const m of list.maps) if (m.startsWith("profiles[].")) maps.add(asProfile(m));
        for (const o of list.optional) if (o.startsWith("profiles[].")) optional.add(asProfile(o));
      }
      const real = fieldPaths(pick(), maps);
      expect([...real].filter((f) => !fields.has(f)), "in the answer, not in the doc").toEqual([]);
      // A documented field under a value that is null in this run (readiness of an on-premises profile…) cannot be seen.
      const parents = new Set([...real].map((f) => (f.includes(".") ? f.slice(0, f.lastIndexOf(".")) : "")));
      const checkable = [...fields].filter((f) => parents.has(f.includes(".") ? f.slice(0, f.lastIndexOf(".")) : ""));
      expect(checkable.filter((f) => !real.has(f) && !optional.has(f)), "in the doc, not in the answer").toEqual([]);
    });
  }

  it("GET /api/metrics: every metric family documented, every documented family present", async () => {
    const markdown = await readFile(doc, "utf8");
    const start = markdown.indexOf("\n## GET /api/metrics\n");
    const section = markdown.slice(start, markdown.indexOf("\n## ", start + 4));
    const rows = [...section.matchAll(/^\| `(exchange_sync_[a-z_]+)`.*$/gm)];
    const listed = new Set(rows.map((m) => m[1]!));
    // A family without samples is left out of the exposition: those the doc says appear "only when" need not be here.
    const always = rows.filter((m) => !m[0].includes("only when")).map((m) => m[1]!);
    const real = new Set([...answers.metrics!.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
    expect([...real].filter((f) => !listed.has(f)), "in the answer, not in the doc").toEqual([]);
    expect(always.filter((f) => !real.has(f)), "in the doc, not in the answer").toEqual([]);
  });

  it("the dashboard routes: the doc names both, and they answer HTML", async () => {
    const markdown = await readFile(doc, "utf8");
    expect(markdown).toContain("## GET /api/dashboard\n");
    expect(markdown).toContain("## GET /api/dashboard/{profileId}\n");
    expect(answers.dashboard).toMatch(/^<!doctype html>/i);
    expect(answers.dashboardProfile).toContain("Litware");
  });
});
