import { describe, expect, it } from "vitest";
import { runWorkQueue } from "../../lib/util/work-queue.js";

/** A promise the test settles by hand, so the order of events is the test's, not the clock's. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("runWorkQueue", () => {
  it("runs every item, at most `limit` at a time, in `before` order", async () => {
    const started: string[] = [];
    let running = 0;
    let peak = 0;
    await runWorkQueue(["d", "b", "a", "e", "c"], 2, byName, async (item) => {
      started.push(item);
      running += 1;
      peak = Math.max(peak, running);
      await settle();
      running -= 1;
    });
    expect(started).toEqual(["a", "b", "c", "d", "e"]);
    expect(peak).toBe(2);
  });

  it("a slow item holds back only itself: the other places go on to the next items, also those added meanwhile", async () => {
    const slow = gate();
    const finished: string[] = [];
    const done = runWorkQueue(["1-slow", "2", "3"], 2, byName, async (item, add) => {
      if (item === "1-slow") {
        await slow.promise;
        add("4-after-slow");
      } else {
        await settle();
        if (item === "2") add("5-added");
      }
      finished.push(item);
    });
    for (let i = 0; i < 10; i++) await settle();
    // While the slow item waits, the second place has done everything else there was.
    expect(finished).toEqual(["2", "3", "5-added"]);
    slow.open();
    await done;
    expect(finished).toEqual(["2", "3", "5-added", "1-slow", "4-after-slow"]);
  });

  it("an added item takes its place in order among those still waiting", async () => {
    const started: string[] = [];
    await runWorkQueue(["a", "c", "e"], 1, byName, async (item, add) => {
      started.push(item);
      if (item === "a") add("d");
      if (item === "c") add("b");
    });
    // "b" was added after "c" had started: it is the first waiting item then.
    expect(started).toEqual(["a", "c", "b", "d", "e"]);
  });

  it("one item's exception never stops the others; all are thrown together at the end", async () => {
    const done: string[] = [];
    const run = runWorkQueue(["a", "b", "c", "d"], 2, byName, async (item) => {
      await settle();
      if (item === "a" || item === "c") throw new Error(`bad ${item}`);
      done.push(item);
    });
    await expect(run).rejects.toThrow(AggregateError);
    await expect(run).rejects.toMatchObject({ errors: [new Error("bad a"), new Error("bad c")] });
    expect(done.sort()).toEqual(["b", "d"]);
  });

  it("tells lastStarted each time it starts the last item waiting, also after an item added later", async () => {
    const started: string[] = [];
    const told: string[][] = [];
    const later = gate();
    const run = runWorkQueue(["a", "b", "c"], { limit: 2, lastStarted: () => told.push([...started]) }, byName, async (item, add) => {
      started.push(item);
      if (item === "a") {
        await later.promise;
        add("d");
      }
      await settle();
    });
    await settle();
    await settle();
    expect(told).toEqual([["a", "b"]]);
    later.open();
    await run;
    expect(told).toEqual([["a", "b"], ["a", "b", "c"]]);
    expect(started).toEqual(["a", "b", "c", "d"]);
  });

  it("ends at once when there is nothing to do", async () => {
    let calls = 0;
    await runWorkQueue([], 4, byName, async () => void (calls += 1));
    expect(calls).toBe(0);
  });

  it("a held place (Test Connection's) is taken by an item only when its work settles, even when that work fails", async () => {
    for (const outcome of ["resolves", "rejects"] as const) {
      const held = gate();
      const heldUntil = outcome === "resolves" ? held.promise : held.promise.then(() => Promise.reject(new Error("Test Connection threw")));
      let running = 0;
      let peak = 0;
      const finished: number[] = [];
      const done = runWorkQueue([1, 2, 3, 4, 5, 6], { limit: 3, heldUntil }, (a, b) => a - b, async (item) => {
        running += 1;
        peak = Math.max(peak, running);
        await settle();
        running -= 1;
        finished.push(item);
      });
      for (let i = 0; i < 20; i++) await settle();
      // Two places did everything while the third was held.
      expect(finished).toEqual([1, 2, 3, 4, 5, 6]);
      expect(peak).toBe(2);
      let ended = false;
      void done.then(() => (ended = true));
      await settle();
      expect(ended).toBe(false);
      held.open();
      await done;
    }
  });

  it("with a held place and more items than the free places, the freed place takes the next item", async () => {
    const held = gate();
    const items = Array.from({ length: 8 }, (_, i) => i);
    const blockers = items.map(() => gate());
    let running = 0;
    let peak = 0;
    const done = runWorkQueue(items, { limit: 2, heldUntil: held.promise }, (a, b) => a - b, async (item) => {
      running += 1;
      peak = Math.max(peak, running);
      await blockers[item]!.promise;
      running -= 1;
    });
    await settle();
    expect(running).toBe(1);
    held.open();
    for (let i = 0; i < 5; i++) await settle();
    expect(running).toBe(2);
    for (const b of blockers) b.open();
    await done;
    expect(peak).toBe(2);
  });
});
