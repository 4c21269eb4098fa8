import { afterEach, describe, expect, it } from "vitest";
import { rollUpCycle } from "../../lib/cycle/roll-up.js";
import { importProfile } from "../../lib/profiles/import.js";
import { getProfile } from "../../lib/store/profiles.js";
import { mergeSummary } from "../../lib/store/summaries.js";
import { contosoProfile } from "../support/cycle-org.js";
import { startStatusHost, t0, type StatusHost } from "./fixtures.js";

let app: StatusHost | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const minutes = (m: number) => new Date(t0.getTime() + m * 60_000);

/** The samples of an exposition: name, labels, value. */
function samples(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  return text
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const m = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line)!;
      const labels = Object.fromEntries([...(m[2] ?? "").matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]));
      return { name: m[1]!, labels, value: Number(m[3]) };
    });
}

type Profile = { profileId: string; health: string; lastCycleAt: string | null; lastCycleAgeSeconds: number | null };

/** Polling every 5 minutes, schedule every minute (the default): stale once the last cycle is older than 2 × 5 + 1 = 11 minutes. */
describe("health evaluated when read (issue 10 item 3)", () => {
  it("a monitor that stopped probing shows stale, with its last cycle and age, in /api/status, /api/status/{id} and /api/metrics", async () => {
    app = await startStatusHost({ STATUS_CACHE_SECONDS: "0" });
    const storage = app.context.storage;
    expect((await importProfile(storage, { ...contosoProfile(), pollingIntervalMinutes: 5 }, { now: t0 })).ok).toBe(true);
    const before = (await (await app.get("status/contoso")).json()) as { profile: Profile };
    expect(before.profile).toMatchObject({ health: "unknown", lastCycleAt: null, lastCycleAgeSeconds: null });

    // One completed cycle at t0 + 1 min: Test Connection passed, then the roll-up.
    await mergeSummary(storage, "contoso", { lastTestConnection: { at: minutes(1).toISOString(), ok: true, elapsedMs: 10, steps: [{ step: "ews", ok: true, elapsedMs: 10 }] } });
    await rollUpCycle(storage, (await getProfile(storage, "contoso"))!, minutes(1));
    const lastCycleAt = minutes(1).toISOString();

    app.clock.now = minutes(12); // 11 minutes after the cycle: the limit itself, still fresh
    const fresh = (await (await app.get("status")).json()) as { overall: { health: string }; profiles: Profile[] };
    expect(fresh.profiles[0]).toMatchObject({ profileId: "contoso", health: "ok", lastCycleAt, lastCycleAgeSeconds: 660 });

    app.clock.now = new Date(minutes(12).getTime() + 1000); // and the monitor has not probed since
    const list = (await (await app.get("status")).json()) as { overall: { health: string; counts: Record<string, number> }; profiles: Profile[] };
    expect(list.profiles[0]).toMatchObject({ profileId: "contoso", health: "stale", lastCycleAt, lastCycleAgeSeconds: 661 });
    expect(list.overall).toMatchObject({ health: "stale", counts: { stale: 1, ok: 0 } });
    const detail = (await (await app.get("status/contoso")).json()) as { profile: Profile };
    expect(detail.profile).toMatchObject({ health: "stale", lastCycleAt, lastCycleAgeSeconds: 661 });

    const metrics = samples(await (await app.get("metrics")).text());
    const value = (name: string, labels: Record<string, string>) =>
      metrics.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(value("exchange_sync_health", { profile: "contoso", health: "stale" })).toBe(1);
    expect(value("exchange_sync_health", { profile: "contoso", health: "ok" })).toBe(0);
    expect(value("exchange_sync_last_cycle_age_seconds", { profile: "contoso" })).toBe(661);
    expect(value("exchange_sync_last_cycle_timestamp_seconds", { profile: "contoso" })).toBe(minutes(1).getTime() / 1000);
    expect(value("exchange_sync_profiles", { health: "stale" })).toBe(1);
  });

  it("a longer polling interval or a slower schedule waits longer before calling it stale", async () => {
    app = await startStatusHost({ STATUS_CACHE_SECONDS: "0", SCHEDULE_CRON: "0 */5 * * * *" });
    const storage = app.context.storage;
    expect((await importProfile(storage, { ...contosoProfile(), pollingIntervalMinutes: 15 }, { now: t0 })).ok).toBe(true);
    await rollUpCycle(storage, (await getProfile(storage, "contoso"))!, t0);
    app.clock.now = minutes(35); // 2 × 15 + 5
    expect(((await (await app.get("status/contoso")).json()) as { profile: Profile }).profile.health).not.toBe("stale");
    app.clock.now = new Date(minutes(35).getTime() + 1000);
    expect(((await (await app.get("status/contoso")).json()) as { profile: Profile }).profile.health).toBe("stale");
  });
});
