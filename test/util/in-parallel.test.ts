import { describe, expect, it } from "vitest";
import { inParallel, settleInParallel } from "../../lib/util/in-parallel.js";
import { lastStartedOfEach } from "../../lib/util/places.js";

/** Work that yields to the event loop so that the pool's workers really overlap. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("the bounded worker pool", () => {
  it("never runs more than the limit at once and answers in the items' order", async () => {
    let running = 0;
    let peak = 0;
    const items = Array.from({ length: 20 }, (_, i) => i);
    const settled = await settleInParallel(items, 3, async (i) => {
      running += 1;
      peak = Math.max(peak, running);
      for (let k = 0; k < (i % 4) + 1; k++) await tick();
      running -= 1;
      return i * 10;
    });
    expect(peak).toBe(3);
    expect(settled).toEqual(items.map((i) => ({ ok: true, value: i * 10 })));
  });

  it("tells lastStarted once, when the last item has started and while the others still run", async () => {
    const started: number[] = [];
    const ended: number[] = [];
    const told: [number[], number[]][] = [];
    await settleInParallel([1, 2, 3, 4, 5], { limit: 2, lastStarted: () => told.push([[...started], [...ended]]) }, async (i) => {
      started.push(i);
      for (let k = 0; k < 3; k++) await tick();
      ended.push(i);
    });
    // Told as item 5 is taken (before its work starts), with item 4 still running.
    expect(told).toEqual([[[1, 2, 3, 4], [1, 2, 3]]]);
  });

  it("pools sharing the work tell lastStarted once, when the last of them has started its last item", async () => {
    const told: string[] = [];
    const started: string[] = [];
    const [first, second] = lastStartedOfEach({ limit: 4, lastStarted: () => told.push(started.join()) }, 2);
    const pool = (items: string[], steps: number, hook: () => void) =>
      settleInParallel(items, { limit: 1, lastStarted: hook }, async (item) => {
        started.push(item);
        for (let k = 0; k < steps; k++) await tick();
      });
    await Promise.all([pool(["a1", "a2"], 1, first!), pool(["b1", "b2", "b3"], 3, second!)]);
    expect(told).toEqual(["a1,b1,a2,b2"]);
  });

  it("keeps going past an item that throws, and reports what it threw in its place", async () => {
    const done: number[] = [];
    const settled = await settleInParallel([1, 2, 3, 4], 2, async (i) => {
      await tick();
      if (i === 2) throw new Error("two");
      done.push(i);
      return i;
    });
    expect(done.sort()).toEqual([1, 3, 4]);
    expect(settled[1]).toEqual({ ok: false, error: new Error("two") });
  });

  it("inParallel finishes every item before it throws the errors together", async () => {
    const done: number[] = [];
    const run = inParallel([1, 2, 3, 4, 5], 2, async (i) => {
      await tick();
      if (i % 2 === 0) throw new Error(`item ${i}`);
      done.push(i);
    });
    await expect(run).rejects.toThrow(AggregateError);
    await run.catch((error: AggregateError) => expect(error.errors.map((e: Error) => e.message)).toEqual(["item 2", "item 4"]));
    expect(done.sort()).toEqual([1, 3, 5]);
  });

  it("does nothing for no items", async () => {
    expect(await settleInParallel([], 4, async () => 1)).toEqual([]);
  });

  it("leaves one place to other work until it settles, then uses it too", async () => {
    let open!: () => void;
    const heldUntil = new Promise<void>((resolve) => (open = resolve));
    let running = 0;
    const peaks: number[] = [];
    const items = Array.from({ length: 30 }, (_, i) => i);
    const run = settleInParallel(items, { limit: 3, heldUntil }, async (i) => {
      running += 1;
      peaks[i] = running;
      await tick();
      await tick();
      running -= 1;
      return i;
    });
    for (let k = 0; k < 10; k++) await tick();
    open();
    const settled = await run;
    expect(settled.every((s) => s.ok)).toBe(true);
    // Early items ran two at a time; once the place came free, three.
    expect(Math.max(...peaks.slice(0, 6))).toBe(2);
    expect(Math.max(...peaks)).toBe(3);
  });

  describe("with items still being read", () => {
    it("starts on the items in hand, takes the rest as they come, and never exceeds the limit", async () => {
      let give!: (items: number[]) => void;
      const more = new Promise<number[]>((resolve) => (give = resolve));
      let running = 0;
      let peak = 0;
      const started: number[] = [];
      const run = settleInParallel([0, 1], { limit: 3 }, async (i) => {
        started.push(i);
        running += 1;
        peak = Math.max(peak, running);
        await tick();
        await tick();
        running -= 1;
        return i * 10;
      }, more);
      for (let k = 0; k < 6; k++) await tick();
      // The two in hand ran and ended; the pool waits for the rest rather than ending.
      expect(started).toEqual([0, 1]);
      give([2, 3, 4, 5, 6]);
      const settled = await run;
      expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(settled).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => ({ ok: true, value: i * 10 })));
      expect(peak).toBe(3);
    });

    it("tells lastStarted only once the rest is read and its last item taken", async () => {
      let give!: (items: string[]) => void;
      const more = new Promise<string[]>((resolve) => (give = resolve));
      const started: string[] = [];
      const told: string[] = [];
      const run = settleInParallel(["a"], { limit: 2, lastStarted: () => told.push(started.join()) }, async (item) => {
        started.push(item);
        await tick();
      }, more);
      for (let k = 0; k < 4; k++) await tick();
      expect(told).toEqual([]);
      give(["b", "c"]);
      await run;
      expect(told).toEqual(["a,b"]);
    });

    it("tells lastStarted when the rest comes empty after every item started", async () => {
      let give!: (items: number[]) => void;
      const more = new Promise<number[]>((resolve) => (give = resolve));
      let told = 0;
      const run = settleInParallel([1, 2], { limit: 2, lastStarted: () => (told += 1) }, async () => tick(), more);
      for (let k = 0; k < 4; k++) await tick();
      give([]);
      expect(await run).toHaveLength(2);
      expect(told).toBe(1);
    });

    it("finishes the work started when the rest cannot be read, then rejects with that error", async () => {
      let refuse!: (error: Error) => void;
      const more = new Promise<number[]>((_, reject) => (refuse = reject));
      const ended: number[] = [];
      const run = settleInParallel([1, 2, 3], 2, async (i) => {
        for (let k = 0; k < 4; k++) await tick();
        ended.push(i);
      }, more);
      await tick();
      refuse(new Error("storage went away"));
      await expect(run).rejects.toThrow("storage went away");
      expect(ended.sort()).toEqual([1, 2, 3]);
    });

    it("rejects with the read's error even when every place was busy as it failed", async () => {
      const more = Promise.reject(new Error("unreadable"));
      const run = settleInParallel([1, 2, 3, 4], 2, async () => {
        for (let k = 0; k < 3; k++) await tick();
      }, more);
      await expect(run).rejects.toThrow("unreadable");
    });
  });
});
