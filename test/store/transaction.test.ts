import { AzureNamedKeyCredential, generateAccountSas, TableClient, type TableEntityResult, type TransactionAction } from "@azure/data-tables";
import { createDefaultHttpClient, RestError } from "@azure/core-rest-pipeline";
import { inject } from "vitest";
import { describe, expect, it } from "vitest";
import { createStorage } from "../../lib/store/storage.js";
import { queryRows } from "../../lib/store/query.js";
import { leanTransaction, readTransactionAnswer } from "../../lib/store/transaction.js";
import { testSettings, testStorage, uniqueName } from "../support/storage.js";

/**
 * Transactions go out as `$batch` bodies written by lib/store/transaction.ts. What they leave in the table is read back
 * through the SDK and compared with the same entities written through the SDK's own transaction, in a table beside.
 */
describe("table transactions written by the app", () => {
  const odd = { partitionKey: "o'brien x", rowKey: "a'b@c d%e.f" };
  const values = { text: 'quote " and \\ and é', flag: true, off: false, count: 7, ratio: 0.25, big: 2 ** 40, none: null, at: new Date("2026-11-30T12:34:56.789Z") };

  async function twinTables() {
    const storage = testStorage();
    const ours = await storage.table("checks");
    const settings = testSettings();
    const sdk = TableClient.fromConnectionString(inject("storageConnectionString"), `${settings.tablePrefix}sdk`, { allowInsecureConnection: true });
    await sdk.createTable();
    return { storage, ours, sdk };
  }

  const wire = { http: createDefaultHttpClient(), allowInsecureConnection: true };
  /** Written here, never left to the SDK. */
  const written = (table: TableClient, actions: TransactionAction[]) => {
    const sent = leanTransaction(table, wire, actions);
    if (sent === undefined) throw new Error("left to the SDK");
    return sent;
  };
  const strip = ({ etag: _e, timestamp: _t, ...rest }: TableEntityResult<Record<string, unknown>>) => rest;

  it("leaves the same rows, with the same types, as the SDK's own transaction", async () => {
    const { storage, ours, sdk } = await twinTables();
    const actions: TransactionAction[] = [
      ["upsert", { ...odd, ...values }, "Replace"],
      ["upsert", { partitionKey: odd.partitionKey, rowKey: "merged", kept: "first" }, "Replace"],
      ["upsert", { partitionKey: odd.partitionKey, rowKey: "gone", x: 1 }, "Replace"],
    ];
    storage.requests.reset();
    await written(ours, actions);
    expect(storage.requests.table).toBe(1);
    await sdk.submitTransaction(actions);
    const second: TransactionAction[] = [
      ["upsert", { partitionKey: odd.partitionKey, rowKey: "merged", added: 2 }, "Merge"],
      ["delete", { partitionKey: odd.partitionKey, rowKey: "gone" }],
    ];
    const answer = await written(ours, second);
    expect(answer.status).toBe(202);
    expect(answer.subResponses.map((r) => r.status)).toEqual([204, 204]);
    await sdk.submitTransaction(second);

    const read = async (table: TableClient) => (await Array.fromAsync(table.listEntities<Record<string, unknown>>({ disableTypeConversion: true }))).map(strip);
    const [mine, theirs] = await Promise.all([read(ours), read(sdk)]);
    expect(mine).toEqual(theirs);
    expect(mine.map((e) => e.rowKey)).toEqual([odd.rowKey, "merged"]);
    expect(mine.find((e) => e.rowKey === "merged")).toMatchObject({ kept: { value: "first" }, added: expect.anything() });
    expect(mine.find((e) => e.rowKey === odd.rowKey)).toMatchObject({ at: { type: "DateTime", value: "2026-11-30T12:34:56.789Z" }, ratio: { type: "Double" }, text: { value: values.text } });
  });

  it("throws a refused transaction as the SDK does, and writes none of it", async () => {
    const { ours } = await twinTables();
    const failing: TransactionAction[] = [
      ["upsert", { partitionKey: "p", rowKey: "written-only-with-the-rest" }, "Replace"],
      ["delete", { partitionKey: "p", rowKey: "missing" }],
    ];
    const error = await written(ours, failing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RestError);
    expect(error).toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
    expect(await Array.fromAsync(ours.listEntities())).toEqual([]);
    await expect(written(ours, [["upsert", { partitionKey: "a", rowKey: "1" }], ["upsert", { partitionKey: "b", rowKey: "1" }]])).rejects.toThrow(/same partitionKey/);
  });

  it("creates rows and updates them only as they were read (their ETag), as the SDK does", async () => {
    const { ours } = await twinTables();
    const made = await written(ours, [["create", { partitionKey: "p", rowKey: "made", n: 0 }]]);
    expect(made.subResponses).toEqual([{ status: 204, rowKey: "made", etag: expect.stringMatching(/^W\/"datetime/) }]);
    expect(made.getResponseForEntity("made")?.etag).toBe(made.subResponses[0]?.etag);
    await expect(written(ours, [["create", { partitionKey: "p", rowKey: "made", n: 1 }]])).rejects.toMatchObject({ statusCode: 409, code: "EntityAlreadyExists" });
    const etag = made.subResponses[0]!.etag!;
    const updated = await written(ours, [["update", { partitionKey: "p", rowKey: "made", n: 1 }, "Replace", { etag }]]);
    await expect(written(ours, [["update", { partitionKey: "p", rowKey: "made", n: 2 }, "Merge", { etag }]])).rejects.toMatchObject({ statusCode: 412 });
    await written(ours, [["update", { partitionKey: "p", rowKey: "made", more: true }, "Merge", { etag: updated.subResponses[0]!.etag! }]]);
    await expect(written(ours, [["update", { partitionKey: "p", rowKey: "never", n: 1 }]])).rejects.toMatchObject({ statusCode: 404 });
    expect(await ours.getEntity("p", "made")).toMatchObject({ n: 1, more: true });
  });

  it("writes a row read back with its ETag and Timestamp as the SDK does: not as columns of its own", async () => {
    const { ours, sdk } = await twinTables();
    for (const table of [ours, sdk]) await table.upsertEntity({ partitionKey: "p", rowKey: "r", n: 1 });
    const [mineRead, theirsRead] = await Promise.all([ours.getEntity("p", "r"), sdk.getEntity("p", "r")]);
    await written(ours, [["upsert", { ...mineRead, n: 2 }, "Replace"]]);
    await sdk.submitTransaction([["upsert", { ...theirsRead, n: 2 }, "Replace"]]);
    const columns = async (table: TableClient) => Object.keys((await Array.fromAsync(table.listEntities()))[0]!).sort();
    expect(await columns(ours)).toEqual(await columns(sdk));
    // Had the ETag gone in as a column, it would shadow the row's real one on the next read, and this would be refused.
    const reread = await ours.getEntity("p", "r");
    await written(ours, [["update", { ...reread, n: 3 }, "Merge", { etag: reread.etag }]]);
    expect((await ours.getEntity<{ n: number }>("p", "r")).n).toBe(3);
  });

  it("leaves a Cosmos DB table endpoint to the SDK, which writes its merges as Cosmos takes them", () => {
    const cosmos = new TableClient("https://account.table.cosmos.azure.com", "checks");
    expect(leanTransaction(cosmos, wire, [["upsert", { partitionKey: "p", rowKey: "r", n: 1 }, "Merge"]])).toBeUndefined();
  });

  it("leaves an entity with bytes or typed values to the SDK", async () => {
    const { ours } = await twinTables();
    expect(leanTransaction(ours, wire, [["upsert", { partitionKey: "p", rowKey: "x", bytes: new Uint8Array([1]) }]])).toBeUndefined();
    expect(leanTransaction(ours, wire, [["create", { partitionKey: "p", rowKey: "x", id: { value: "1", type: "Int64" } }]])).toBeUndefined();
    await ours.submitTransaction([["create", { partitionKey: "p", rowKey: "made", bytes: new Uint8Array([1, 2, 3]) }]]);
    expect([...(await ours.getEntity<{ bytes: Uint8Array }>("p", "made")).bytes]).toEqual([1, 2, 3]);
  });

  it("sends nothing over plain http unless the storage allows it (Azurite's connection string does, a managed identity never)", async () => {
    const { ours } = await twinTables();
    const refused = leanTransaction(ours, { ...wire, allowInsecureConnection: false }, [["upsert", { partitionKey: "p", rowKey: "1" }, "Replace"]]);
    await expect(refused).rejects.toThrow(/insecure|https/i);
    await expect(queryRows(ours, { ...wire, allowInsecureConnection: false }, "PartitionKey eq 'p'")).rejects.toThrow(/insecure|https/i);
    expect(await Array.fromAsync(ours.listEntities())).toEqual([]);
  });

  it("sends a SAS carried in the connection string after $batch", async () => {
    const connection = inject("storageConnectionString");
    const part = (name: string) => new RegExp(`${name}=([^;]+)`).exec(connection)?.[1] ?? "";
    const sas = generateAccountSas(new AzureNamedKeyCredential(part("AccountName"), part("AccountKey")), {
      expiresOn: new Date(Date.now() + 3_600_000),
      permissions: { query: true, write: true, delete: true, list: true, add: true, update: true },
      resourceTypes: "sco",
    });
    const sasConnection = `TableEndpoint=${part("TableEndpoint")};SharedAccessSignature=${sas}`;
    const storage = createStorage({ kind: "connection-string", connectionString: sasConnection }, { tablePrefix: uniqueName("s") });
    const table = await storage.table("mailboxes");
    await written(table, [["upsert", { partitionKey: "p", rowKey: "1", n: 1 }, "Replace"]]);
    expect((await table.getEntity<{ n: number }>("p", "1")).n).toBe(1);
  });
});

describe("reading a transaction's answer", () => {
  const part = (status: string, extra = "") => `--changesetresponse_x\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 ${status}\r\n${extra}\r\n`;

  it("reads each part's status and ETag", () => {
    const body = `--batchresponse_x\r\n${part("204 No Content", 'ETag: W/"1"')}${part("201 Created", "Location: https://a/t(PartitionKey='p',RowKey='r')")}--changesetresponse_x--\r\n--batchresponse_x--`;
    const answer = readTransactionAnswer(202, body, 2);
    expect(answer.subResponses).toEqual([{ status: 204, etag: 'W/"1"' }, { status: 201, rowKey: "r" }]);
    expect(answer.getResponseForEntity("r")).toEqual({ status: 201, rowKey: "r" });
  });

  it("throws the refusing part's code and message, or the whole answer's status", () => {
    const refused = `--batchresponse_x\r\n${part("409 Conflict", '\r\n{"odata.error":{"code":"EntityAlreadyExists","message":{"value":"0:exists"}}}')}--changesetresponse_x--\r\n--batchresponse_x--`;
    expect(() => readTransactionAnswer(202, refused, 1)).toThrow(expect.objectContaining({ statusCode: 409, code: "EntityAlreadyExists", message: "0:exists" }));
    expect(() => readTransactionAnswer(403, "not json", 1)).toThrow(expect.objectContaining({ statusCode: 403, message: "Transaction Failed" }));
    expect(() => readTransactionAnswer(202, `--batchresponse_x\r\n--changesetresponse_x\r\nno status\r\n--changesetresponse_x--`, 1)).toThrow(/without a status/);
    // A success that does not answer every action (an HTML page, a cut answer) is not taken as done.
    expect(() => readTransactionAnswer(202, "<html>maintenance</html>", 3)).toThrow(expect.objectContaining({ statusCode: 202, message: expect.stringMatching(/3 actions .* 0 parts/) }));
  });
});
