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
});
