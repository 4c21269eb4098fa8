import { afterEach, describe, expect, it } from "vitest";
import { importProfile } from "../../lib/profiles/import.js";
import { mergeSummary } from "../../lib/store/summaries.js";
import { contosoProfile, litwareProfile } from "../support/cycle-org.js";
import { startCycleApp, type CycleApp } from "../support/cycle-app.js";
import { startStatusHost, t0, type StatusHost } from "./fixtures.js";

let app: StatusHost | undefined;
let cycle: CycleApp | undefined;
afterEach(async () => {
  await app?.stop();
  await cycle?.stop();
  app = undefined;
  cycle = undefined;
});

type Status = { maintenance: { windows: unknown[]; inForce: unknown }; lastEmail: unknown; emailOutcomes: unknown; lastEmailAt: string | null };

async function both(host: StatusHost): Promise<Status[]> {
  const list = ((await (await host.get("status")).json()) as { profiles: Status[] }).profiles[0]!;
  const detail = ((await (await host.get("status/contoso")).json()) as { profile: Status }).profile;
  return [list, detail];
}

describe("status fields", () => {
  it("shows the profile's maintenance windows and the one in force now (issue 16)", async () => {
    app = await startStatusHost({ STATUS_CACHE_SECONDS: "0" });
    const weekly = { day: "thursday", from: "23:00", to: "02:00", timeZone: "Europe/Berlin" };
    const oneOff = { start: "2025-05-01T10:00:00Z", end: "2025-05-01T11:00:00Z", reason: "CU14 upgrade" };
    expect((await importProfile(app.context.storage, { ...contosoProfile(), maintenance: [weekly, oneOff] }, { now: t0 })).ok).toBe(true);
    for (const p of await both(app)) {
      expect(p.maintenance).toEqual({ windows: [weekly, oneOff], inForce: { window: oneOff, start: "2025-05-01T10:00:00.000Z", end: "2025-05-01T11:00:00.000Z" } });
    }
    app.clock.now = new Date("2025-05-01T11:00:00.000Z");
    for (const p of await both(app)) expect(p.maintenance.inForce).toBeNull();
    // Thursday 1 May 2025, 23:30 in Berlin (CEST, UTC+2) is 21:30 UTC.
    app.clock.now = new Date("2025-05-01T21:30:00.000Z");
    for (const p of await both(app)) expect(p.maintenance.inForce).toEqual({ window: weekly, start: "2025-05-01T21:00:00.000Z", end: "2025-05-02T00:00:00.000Z" });
  });

  it("shows the last email attempt whatever its outcome, and the attempts by outcome (issue 10 item 7)", async () => {
    app = await startStatusHost({ STATUS_CACHE_SECONDS: "0" });
    expect((await importProfile(app.context.storage, contosoProfile(), { now: t0 })).ok).toBe(true);
    for (const p of await both(app)) expect(p).toMatchObject({ lastEmail: null, lastEmailAt: null, emailOutcomes: { sent: 0, refused: 0, uncertain: 0 } });
    const refused = { at: "2025-05-01T10:10:00.000Z", kind: "alert", outcome: "refused", reason: "550 5.7.1 relaying denied" } as const;
    await mergeSummary(app.context.storage, "contoso", { lastEmail: refused, emailOutcomes: { sent: 0, refused: 1, uncertain: 1 } });
    for (const p of await both(app)) expect(p).toMatchObject({ lastEmail: refused, lastEmailAt: null, emailOutcomes: { sent: 0, refused: 1, uncertain: 1 } });
  });

  it("marks the hour of a real failing cycle inside a maintenance window, shows the window in force and still tells the facts", async () => {
    const now = Date.now();
    // From the start of this hour (so no earlier hour overlaps it, whatever the time of day) to half an hour from now.
    const hourStart = Math.floor(now / 3_600_000) * 3_600_000;
    const window = { start: new Date(hourStart).toISOString(), end: new Date(now + 30 * 60_000).toISOString(), reason: "CU14 upgrade" };
    cycle = await startCycleApp([{ ...litwareProfile(), maintenance: [window] }, contosoProfile()], { keys: { function: "fkey", admin: "akey" } });
    await cycle.host.timers.fire("schedule");
    await cycle.host.queues.idle(60_000);
    const get = async (path: string) => (await fetch(`${cycle!.host.url}/api/${path}`, { headers: { "x-functions-key": "fkey" } })).json();
    type Hour = { hour: string; failed: number; maintenance: boolean };
    type P = { profileId: string; health: string; lastCycleAt: string; hourly: Hour[]; maintenance: { inForce: { start: string; end: string } | null } };
    const litware = ((await get("status/litware")) as { profile: P }).profile;
    // The last row is the hour the cycle ran in.
    const current = litware.hourly[23]!;
    expect(current.hour).toBe(new Date(Math.floor(Date.parse(litware.lastCycleAt) / 3_600_000) * 3_600_000).toISOString());
    expect(current.failed).toBeGreaterThan(0);
    expect(current.maintenance).toBe(true);
    expect(litware.hourly.slice(0, 23).every((h) => !h.maintenance)).toBe(true);
    expect(litware.health).toBe("failing");
    expect(litware.maintenance.inForce).toMatchObject({ start: new Date(window.start).toISOString(), end: new Date(window.end).toISOString() });
    const contoso = ((await get("status")) as { profiles: P[] }).profiles.find((p) => p.profileId === "contoso")!;
    expect(contoso.hourly[23]!.maintenance).toBe(false);
    expect(contoso.maintenance.inForce).toBeNull();
  });
});
