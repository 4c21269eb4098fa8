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
 * docs/status-api.md documents every field of GET /api/status, /api/status/{id} and every family of /api/metrics.
 * This test runs a real cycle (simulator over HTTPS, Azurite, the local host) and a real notifier run (SMTP), then
 * checks that each field and metric the app answers with is documented. With WRITE_STATUS_EXAMPLES=1 it writes the
 * answers as the examples under docs/status-api/ that the document links to.
 */

const key = `examples-${process.pid}`;
let sim: SimulatedOrg;
let sink: SmtpSink;
let host: LocalHost;
const answers: { list?: unknown; profile?: unknown; metrics?: string } = {};

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
  const get = (path: string) => fetch(`${host.url}/api/${path}`, { headers: { "x-functions-key": key } });
  answers.list = await (await get("status")).json();
  answers.profile = await (await get("status/litware")).json();
  answers.metrics = await (await get("metrics")).text();
}, 120_000);

afterAll(async () => {
  await host?.stop();
  await sink?.stop();
  await sim?.stop();
});

/** Every object key in a JSON value, except the keys of maps keyed by data (mailbox states, categories, outcomes). */
function keysOf(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keysOf(v, out);
  else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      if (!["mailboxStates", "failedByCategory", "emailOutcomes", "agreement", "counts"].includes(k)) keysOf(v, out);
    }
  }
  return out;
}

describe("docs/status-api.md", () => {
  it("documents every field the status endpoints answered with after a real cycle and notifier run", async () => {
    if (process.env.WRITE_STATUS_EXAMPLES === "1") await writeExamples();
    const doc = await readFile("docs/status-api.md", "utf8");
    expect(sink.received.length).toBeGreaterThan(0);
    const keys = new Set([...keysOf(answers.list), ...keysOf(answers.profile)]);
    expect(keys.has("lastEmail")).toBe(true);
    const undocumented = [...keys].filter((k) => !doc.includes(`\`${k}\``)).sort();
    expect(undocumented).toEqual([]);
  });

  it("documents every metric family", async () => {
    const doc = await readFile("docs/status-api.md", "utf8");
    const families = [...answers.metrics!.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!);
    expect(families.length).toBeGreaterThan(10);
    expect(families.filter((f) => !doc.includes(`\`${f}\``))).toEqual([]);
  });
});

async function writeExamples(): Promise<void> {
  await mkdir("docs/status-api", { recursive: true });
  await writeFile("docs/status-api/status-list.json", `${JSON.stringify(answers.list, null, 2)}\n`);
  await writeFile("docs/status-api/status-profile.json", `${JSON.stringify(answers.profile, null, 2)}\n`);
  await writeFile("docs/status-api/metrics.txt", answers.metrics!);
}
