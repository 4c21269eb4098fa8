import { describe, expect, it } from "vitest";
import type { TransactionAction } from "@azure/data-tables";
import { deleteWhere, submitInTransactions } from "../../lib/store/batch.js";
import { testStorage } from "../support/storage.js";

const rows = (partition: string, n: number): TransactionAction[] =>
  Array.from({ length: n }, (_, i) => ["upsert", { partitionKey: partition, rowKey: `r${String(i).padStart(4, "0")}`, n: i }]);

describe("transactions", () => {
  it("sends ≤ 100 entities per partition per transaction", async () => {
    const storage = testStorage();
    const table = await storage.table("hourly");
    storage.requests.reset();
    const sent = await submitInTransactions(table, [...rows("a", 250), ...rows("b", 100), ...rows("c", 1)]);
    expect(sent).toBe(3 + 1 + 1);
    expect(storage.requests.table).toBe(5);
    let count = 0;
    for await (const _ of table.listEntities()) count++;
    expect(count).toBe(351);
  });

  it("puts a second action on the same row in a later transaction, so the last one wins", async () => {
    const table = await testStorage().table("hourly");
    const sent = await submitInTransactions(table, [
      ["upsert", { partitionKey: "p", rowKey: "r", v: 1 }],
      ["upsert", { partitionKey: "p", rowKey: "s", v: 1 }],
      ["upsert", { partitionKey: "p", rowKey: "r", v: 2 }],
    ]);
    expect(sent).toBe(2);
    expect((await table.getEntity<{ v: number }>("p", "r")).v).toBe(2);
  });

  it("deletes what a filter selects across pages", async () => {
    const table = await testStorage().table("hourly");
    await submitInTransactions(table, [...rows("a", 1200), ...rows("b", 3)]);
    expect(await deleteWhere(table, "PartitionKey eq 'a'")).toBe(1200);
    let left = 0;
    for await (const _ of table.listEntities()) left++;
    expect(left).toBe(3);
  }, 60_000);

  it("finishes a delete that another deleter races", async () => {
    const table = await testStorage().table("hourly");
    await submitInTransactions(table, rows("a", 150));
    const [first, second] = await Promise.all([deleteWhere(table, "PartitionKey eq 'a'"), deleteWhere(table, "PartitionKey eq 'a'")]);
    expect(first + second).toBeGreaterThanOrEqual(150);
    let left = 0;
    for await (const _ of table.listEntities()) left++;
    expect(left).toBe(0);
  });
});
