import { describe, expect, it } from "vitest";
import { withConnectionShare } from "../../lib/cycle/connection-share.js";
import { releaseShare, shareHolders, takeShare } from "../../lib/store/leases.js";
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
