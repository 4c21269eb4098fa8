import { describe, expect, it } from "vitest";
import { withConnectionShare } from "../../lib/cycle/connection-share.js";
import { firstConnectionOf } from "../../lib/cycle/shard-sizes.js";
import { releaseShare, renewShare, shareHolders, takeShare } from "../../lib/store/leases.js";
import { testStorage } from "../support/storage.js";

const holder = (id: string, want: number, ttlMs = 60_000) => ({ id, label: id, want, limit: 4, ttlMs });

describe("the connection lease of a profile (Azurite)", () => {
  it("grants what the live holders leave free, at least one, and nothing when all are held", async () => {
    const storage = testStorage();
    expect(await takeShare(storage, "p", holder("a", 3))).toMatchObject({ kind: "granted", connections: 3 });
    expect(await takeShare(storage, "p", holder("b", 4))).toMatchObject({ kind: "granted", connections: 1 });
    expect(await takeShare(storage, "p", holder("c", 1))).toMatchObject({ kind: "full", holders: [{ id: "a" }, { id: "b" }] });
    await releaseShare(storage, "p", "a");
    expect(await takeShare(storage, "p", holder("c", 4))).toMatchObject({ kind: "granted", connections: 3 });
    expect((await shareHolders(storage, "p")).map((h) => [h.id, h.connections])).toEqual([["b", 1], ["c", 3]]);
  });

  it("a holder that stopped renewing (a crashed instance) frees its share at its expiry", async () => {
    const storage = testStorage();
    expect(await takeShare(storage, "p", holder("dead", 4, 300))).toMatchObject({ kind: "granted", connections: 4 });
    expect(await takeShare(storage, "p", holder("next", 4))).toMatchObject({ kind: "full" });
    await new Promise((r) => setTimeout(r, 400));
    expect(await takeShare(storage, "p", holder("next", 4))).toMatchObject({ kind: "granted", connections: 4 });
  });

  it("withConnectionShare answers busy after waiting, and gives its share back (the row goes with the last holder)", async () => {
    const storage = testStorage();
    await takeShare(storage, "p", holder("cycle", 4));
    expect(await withConnectionShare(storage, "p", { label: "test-connection", want: 4, limit: 4 }, { waitMs: 300, pollMs: 50 }, async () => "ran")).toMatchObject({ kind: "busy", holders: [{ label: "cycle" }] });
    await releaseShare(storage, "p", "cycle");
    const seen: number[] = [];
    const done = await withConnectionShare(storage, "p", { label: "test-connection", want: 4, limit: 4 }, { waitMs: 300 }, async (n) => (seen.push(n, (await shareHolders(storage, "p")).length), "ran"));
    expect(done).toMatchObject({ kind: "done", value: "ran" });
    expect(seen).toEqual([4, 1]);
    const table = await storage.table("leases");
    const rows = [];
    for await (const e of table.listEntities()) rows.push(e);
    expect(rows).toEqual([]);
  });

  it("with releaseAlongside the share is given back while the caller goes on, and by the time `released` settles", async () => {
    const storage = testStorage();
    const done = await withConnectionShare(storage, "p", { label: "cycle 1 shard 1/1", want: 4, limit: 4 }, { waitMs: 300, releaseAlongside: true }, async () => "ran");
    if (done.kind !== "done") throw new Error("busy");
    expect(done.value).toBe("ran");
    await done.released;
    expect(await shareHolders(storage, "p")).toEqual([]);
    // A share given back this way is free for the next holder at once.
    expect(await withConnectionShare(storage, "p", { label: "test-connection", want: 4, limit: 4 }, { waitMs: 0 }, async (n) => n)).toMatchObject({ kind: "done", value: 4 });
  });
});

describe("the connection slots of a profile (Azurite)", () => {
  it("the shards of a cycle, started together at their planned slots, take their shares with one request each", async () => {
    const storage = testStorage();
    // Limit 10 over 4 shards: 3, 3, 2, 2 connections starting at slots 0, 3, 6 and 8.
    const plan = [3, 3, 2, 2].map((want, index) => ({ id: `shard${index}`, label: `cycle 1 shard ${index + 1}/4`, want, limit: 10, ttlMs: 60_000, firstSlot: firstConnectionOf(10, 4, index) }));
    expect(await shareHolders(storage, "p")).toEqual([]); // the table made before counting
    const before = storage.requests.table;
    const taken = await Promise.all(plan.map((p) => takeShare(storage, "p", p)));
    expect(storage.requests.table - before).toBe(4);
    expect(taken.map((t) => (t.kind === "granted" ? t.connections : 0))).toEqual([3, 3, 2, 2]);
    const afterTaking = storage.requests.table;
    await Promise.all(taken.map((t, i) => (t.kind === "granted" ? releaseShare(storage, "p", plan[i]!.id, t.lease) : undefined)));
    expect(storage.requests.table - afterTaking).toBe(4);
    expect(await shareHolders(storage, "p")).toEqual([]);
  });

  it("eight holders wanting the same slots at once never hold more than the limit together", async () => {
    const storage = testStorage();
    const taken = await Promise.all(Array.from({ length: 8 }, (_, i) => takeShare(storage, "p", holder(`h${i}`, 2))));
    const granted = taken.filter((t) => t.kind === "granted");
    // The first two get two slots each; the other six find all four held (or lose the race to them) and are told so.
    expect(granted.reduce((n, t) => n + t.connections, 0)).toBe(4);
    expect(taken.filter((t) => t.kind === "full")).toHaveLength(8 - granted.length);
    const holders = await shareHolders(storage, "p");
    expect(holders.reduce((n, h) => n + h.connections, 0)).toBe(4);
  });

  it("a holder whose slots expired and were taken is told at its renewal, and giving them back leaves the new holder's", async () => {
    const storage = testStorage();
    const dead = await takeShare(storage, "p", holder("dead", 4, 300));
    if (dead.kind !== "granted") throw new Error("not granted");
    await new Promise((r) => setTimeout(r, 400));
    const next = await takeShare(storage, "p", holder("next", 4));
    if (next.kind !== "granted") throw new Error("not granted");
    expect(next.connections).toBe(4);
    expect(await renewShare(storage, "p", dead.lease, 60_000)).toEqual({ kind: "lost" });
    // The new holder replaced the expired slots by ETag, and holds their new ETags: its renewal goes through.
    expect(await renewShare(storage, "p", next.lease, 60_000)).toMatchObject({ kind: "renewed" });
    await releaseShare(storage, "p", "dead", dead.lease);
    expect((await shareHolders(storage, "p")).map((h) => [h.id, h.connections])).toEqual([["next", 4]]);
  });

  it("renewing moves the expiry on, again and again, and the renewed share is given back in one request", async () => {
    const storage = testStorage();
    const taken = await takeShare(storage, "p", holder("a", 2, 15_000));
    if (taken.kind !== "granted") throw new Error("not granted");
    let renewed = await renewShare(storage, "p", taken.lease, 30_000);
    if (renewed.kind !== "renewed") throw new Error("lost");
    // Each renewal's ETags are the rows' new ones: the next renewal is conditional on them and goes through.
    expect(renewed.lease.slots.every((s) => s.etag.startsWith('W/"datetime'))).toBe(true);
    renewed = await renewShare(storage, "p", renewed.lease, 60_000);
    if (renewed.kind !== "renewed") throw new Error("lost");
    expect(renewed.lease.expiresAt).toBeGreaterThan(taken.lease.expiresAt);
    expect((await shareHolders(storage, "p"))[0]?.expiresAt).toBe(renewed.lease.expiresAt);
    const before = storage.requests.table;
    await releaseShare(storage, "p", "a", renewed.lease);
    expect(storage.requests.table - before).toBe(1);
    expect(await shareHolders(storage, "p")).toEqual([]);
  });
});
