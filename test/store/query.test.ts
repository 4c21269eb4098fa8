import { odata, TableClient, type TransactionAction } from "@azure/data-tables";
import { createDefaultHttpClient, RestError } from "@azure/core-rest-pipeline";
import { describe, expect, inject, it } from "vitest";
import { queryRows, queryRowsAsRead } from "../../lib/store/query.js";
import { testSettings, testStorage } from "../support/storage.js";

/** Rows read by lib/store/query.ts, compared with what the SDK's own listEntities gives for the same table. */
describe("table queries read by the app", () => {
  const wire = { http: createDefaultHttpClient(), allowInsecureConnection: true };
  const sdkListing = async (table: TableClient, filter: string, select?: string[]) =>
    Array.fromAsync(table.listEntities<Record<string, unknown>>({ queryOptions: select === undefined ? { filter } : { filter, select } }));

  it("reads every type as the SDK does, across pages, with or without a selection", async () => {
    const table = await testStorage().table("checks");
    const partitionKey = "it's a p";
    const typed = {
      partitionKey,
      rowKey: "typed",
      text: "a 'quoted' é",
      count: 7,
      ratio: 2.5,
      whole: { value: "3", type: "Double" as const },
      big: 2n ** 40n,
      id: { value: "11111111-2222-3333-4444-555555555555", type: "Guid" as const },
      bytes: new Uint8Array([1, 2, 3]),
      at: new Date("2026-11-30T12:00:00.000Z"),
      flag: false,
    };
    await table.upsertEntity(typed, "Replace");
    // 1,100 more rows: the service answers 1,000 at most per page.
    for (let start = 0; start < 1100; start += 100) {
      const actions: TransactionAction[] = Array.from({ length: 100 }, (_, i) => ["upsert", { partitionKey, rowKey: `r${String(start + i).padStart(5, "0")}`, n: start + i }, "Replace"]);
      await table.submitTransaction(actions);
    }
    const filter = odata`PartitionKey eq ${partitionKey}`;
    const mine = await queryRows<Record<string, unknown>>(table, wire, filter);
    expect(mine).toHaveLength(1101);
    expect(mine).toEqual(await sdkListing(table, filter));
    expect(mine.find((r) => r.rowKey === "typed")).toMatchObject({ big: 2n ** 40n, at: typed.at, whole: 3, text: typed.text });
    const selected = await queryRows<Record<string, unknown>>(table, wire, odata`PartitionKey eq ${partitionKey} and n ge 1050`, ["rowKey", "n"]);
    expect(selected).toEqual(await sdkListing(table, odata`PartitionKey eq ${partitionKey} and n ge 1050`, ["rowKey", "n"]));
    expect(selected.map((r) => Object.keys(r).sort())[0]).toEqual(["etag", "n", "rowKey"]);
    expect(await queryRows(table, wire, odata`PartitionKey eq ${"nobody"}`)).toEqual([]);
  });

  it("reads every row of the table, across partitions, for an empty filter (no $filter sent at all)", async () => {
    const table = await testStorage().table("cycles");
    const urls: string[] = [];
    table.pipeline.addPolicy({ name: "seen", sendRequest: (request, next) => (urls.push(request.url), next(request)) });
    await table.submitTransaction([["upsert", { partitionKey: "a", rowKey: "current", cycle: 1 }, "Replace"]]);
    await table.submitTransaction([["upsert", { partitionKey: "b", rowKey: "current", cycle: 2 }, "Replace"]]);
    urls.length = 0;
    const every = await queryRows<Record<string, unknown>>(table, wire, "");
    expect(urls).toHaveLength(1);
    expect(new URL(urls[0]!).searchParams.has("$filter")).toBe(false);
    expect(every.map((r) => `${String(r.partitionKey)}:${String(r.cycle)}`)).toEqual(["a:1", "b:2"]);
    expect(every).toEqual(await Array.fromAsync(table.listEntities<Record<string, unknown>>()));
  });

  it("throws the service's refusal as the SDK does, and the storage's tables come back once when storage lost them", async () => {
    const settings = testSettings();
    const missing = TableClient.fromConnectionString(inject("storageConnectionString"), `${settings.tablePrefix}never`, { allowInsecureConnection: true });
    const error = await queryRows(missing, wire, "PartitionKey eq 'p'").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RestError);
    expect(error).toMatchObject({ statusCode: 404, code: "TableNotFound" });

    const storage = testStorage(settings);
    const table = await storage.table("hourly");
    await table.upsertEntity({ partitionKey: "p", rowKey: "1" });
    await table.deleteTable();
    expect(await table.rowsWhere("PartitionKey eq 'p'")).toEqual([]);
    await table.upsertEntity({ partitionKey: "p", rowKey: "2" });
    expect((await table.rowsWhere<{ rowKey: string }>("PartitionKey eq 'p'")).map((r) => r.rowKey)).toEqual(["2"]);
  });

  describe("rows as they are read", () => {
    const fill = async (table: TableClient, partitionKey: string, count: number) => {
      for (let start = 0; start < count; start += 100) {
        const actions: TransactionAction[] = Array.from({ length: Math.min(100, count - start) }, (_, i) => ["upsert", { partitionKey, rowKey: `r${String(start + i).padStart(5, "0")}`, n: start + i }, "Replace"]);
        await table.submitTransaction(actions);
      }
    };
    const seeing = (table: TableClient) => {
      const urls: URL[] = [];
      table.pipeline.addPolicy({ name: "seen", sendRequest: (request, next) => (urls.push(new URL(request.url)), next(request)) });
      return urls;
    };

    it("gives the first page in hand, then the others in pages of 1,000: the same rows in the same order, one request more", async () => {
      const table = await testStorage().table("checks");
      await fill(table, "p", 1150);
      const urls = seeing(table);
      const filter = odata`PartitionKey eq ${"p"}`;
      const read = await queryRowsAsRead<Record<string, unknown>>(table, wire, filter, 100);
      expect(read.first.map((r) => r.n)).toEqual(Array.from({ length: 100 }, (_, i) => i));
      const rest = await read.rest;
      expect([...read.first, ...rest]).toEqual(await queryRows(table, wire, filter));
      // The first page asked for 100; the rest went on from its continuation, 1,000 then the last 50; then the plain read's 2.
      expect(urls.map((u) => u.searchParams.get("$top"))).toEqual(["100", "1000", "1000", "1000", "1000"]);
      expect(urls[1]!.searchParams.get("NextRowKey")).not.toBeNull();
    });

    it("reads a shard no larger than its first page in one request, with nothing after it", async () => {
      const table = await testStorage().table("checks");
      await fill(table, "small", 60);
      const urls = seeing(table);
      const read = await queryRowsAsRead<Record<string, unknown>>(table, wire, odata`PartitionKey eq ${"small"}`, 100);
      expect(read.first).toHaveLength(60);
      expect(await read.rest).toEqual([]);
      expect(urls).toHaveLength(1);
    });

    it("leaves a failure of the rest to whoever takes it, without an unhandled rejection meanwhile", async () => {
      const table = await testStorage().table("checks");
      await fill(table, "gone", 150);
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on("unhandledRejection", onUnhandled);
      try {
        let pages = 0;
        // The second request finds the table gone, as when storage loses it between two pages.
        table.pipeline.addPolicy({ name: "lose-it", sendRequest: async (request, next) => (++pages === 2 ? (await table.deleteTable(), next(request)) : next(request)) });
        const read = await queryRowsAsRead<Record<string, unknown>>(table, wire, odata`PartitionKey eq ${"gone"}`, 100);
        expect(read.first).toHaveLength(100);
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(unhandled).toEqual([]);
        await expect(read.rest).rejects.toMatchObject({ statusCode: 404, code: "TableNotFound" });
      } finally {
        process.off("unhandledRejection", onUnhandled);
      }
    });
  });
});
