import type { TableClient, TableEntityResult } from "@azure/data-tables";
import { createHttpHeaders, createPipelineRequest } from "@azure/core-rest-pipeline";
import { handled, type AsRead } from "../util/as-read.js";
import { accountUrlWith, refusal, type TableWire } from "./transaction.js";

/**
 * Every row a filter selects (every row of the table for ""), page by page, read here and sent through the table
 * client's own pipeline (as lib/store/transaction.ts writes). The SDK walks each page through a generic response mapper and then types each
 * value; a cycle's first read is its shard's mailboxes, a thousand rows, and the checks wait on it. The rows come back
 * as the SDK gives them: `partitionKey`, `rowKey`, `etag`, `timestamp`, each typed value converted as it converts it.
 */
export async function queryRows<T extends object>(client: TableClient, wire: TableWire, filter: string, select?: readonly string[]): Promise<TableEntityResult<T>[]> {
  return readOn<T>(client, wire, queryOf(filter, select), []);
}

/**
 * The same rows, the first `firstPage` of them in hand as soon as they are read, the others (pages of 1,000) while the
 * caller starts on those: one request more than `queryRows` when there are more rows than `firstPage`.
 */
export async function queryRowsAsRead<T extends object>(client: TableClient, wire: TableWire, filter: string, firstPage: number): Promise<AsRead<TableEntityResult<T>>> {
  const first = await readPage<T>(client, wire, queryOf(filter, undefined, firstPage), []);
  if (first.next.length === 0) return { first: first.rows, rest: Promise.resolve([]) };
  return { first: first.rows, rest: handled(readOn<T>(client, wire, queryOf(filter), first.next)) };
}

/** The pages from `from` (a continuation, or none for the first page) to the last, their rows in order. */
async function readOn<T extends object>(client: TableClient, wire: TableWire, query: readonly string[], from: readonly string[]): Promise<TableEntityResult<T>[]> {
  const rows: TableEntityResult<T>[] = [];
  let next = from;
  do {
    const page = await readPage<T>(client, wire, query, next);
    rows.push(...page.rows);
    next = page.next;
  } while (next.length > 0);
  return rows;
}

interface Page<T extends object> {
  rows: TableEntityResult<T>[];
  /** The continuation's query parameters; none when this was the last page. */
  next: string[];
}

function queryOf(filter: string, select?: readonly string[], top = 1000): string[] {
  return [
    `$top=${top}`,
    ...(select === undefined ? [] : [`$select=${encodeURIComponent(select.filter((p) => p !== "etag" && p !== "odata.etag").map(wireName).join(","))}`]),
    ...(filter === "" ? [] : [`$filter=${encodeURIComponent(filter)}`]),
  ];
}

async function readPage<T extends object>(client: TableClient, wire: TableWire, query: readonly string[], next: readonly string[]): Promise<Page<T>> {
  const request = createPipelineRequest({
    url: accountUrlWith(client.url, `${client.tableName}()`, [...query, ...next].join("&")),
    method: "GET",
    headers: createHttpHeaders({ Accept: "application/json;odata=minimalmetadata", "x-ms-version": "2019-02-02", DataServiceVersion: "3.0" }),
    allowInsecureConnection: wire.allowInsecureConnection,
  });
  const response = await client.pipeline.sendRequest(wire.http, request);
  const body = response.bodyAsText ?? "";
  if (response.status !== 200) throw refusal(body, response.status, response);
  // The client's pipeline has parsed the JSON already (core-client's deserialization policy).
  const rows = pageOf((response as { parsedBody?: unknown }).parsedBody, body).map((entity) => fromWire(entity) as TableEntityResult<T>);
  // As the SDK: the listing goes on while the service names a next partition; an empty next row is left out.
  const partition = response.headers.get("x-ms-continuation-NextPartitionKey");
  const row = response.headers.get("x-ms-continuation-NextRowKey");
  return { rows, next: partition ? [`NextPartitionKey=${encodeURIComponent(partition)}`, ...(row ? [`NextRowKey=${encodeURIComponent(row)}`] : [])] : [] };
}

const wireNames = new Map([
  ["partitionKey", "PartitionKey"],
  ["rowKey", "RowKey"],
  ["timestamp", "Timestamp"],
]);
const appNames = new Map([
  ["PartitionKey", "partitionKey"],
  ["RowKey", "rowKey"],
  ["Timestamp", "timestamp"],
  ["odata.etag", "etag"],
]);
const appName = (name: string): string => appNames.get(name) ?? name;
const wireName = (name: string): string => wireNames.get(name) ?? name;

function pageOf(parsed: unknown, body: string): Record<string, unknown>[] {
  const page = (typeof parsed === "object" && parsed !== null ? parsed : JSON.parse(body)) as { value?: unknown };
  if (!Array.isArray(page.value)) throw new Error(`A table query's answer has no rows array: ${body.slice(0, 200)}`);
  return page.value as Record<string, unknown>[];
}

const annotation = "@odata.type";

/**
 * As the SDK's `deserialize`: a value the service annotates with its EDM type is converted, the others kept as they
 * are. The values are copied first and the few annotated ones converted after (a thousand rows of twenty columns are
 * a cycle's first read).
 */
function fromWire(entity: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  let annotated: string[] | undefined;
  for (const name in entity) {
    if (name.endsWith(annotation)) (annotated ??= []).push(name);
    else row[appName(name)] = entity[name];
  }
  for (const typeName of annotated ?? []) {
    const name = typeName.slice(0, -annotation.length);
    if (Object.hasOwn(entity, name)) row[appName(name)] = typed(entity[name], entity[typeName]);
  }
  return row;
}

function typed(value: unknown, type: unknown): unknown {
  switch (type) {
    case "Edm.DateTime":
      return new Date(value as string);
    case "Edm.Int64":
      return BigInt(value as string);
    case "Edm.Binary":
      return Buffer.from(value as string, "base64");
    case "Edm.Guid":
      return { value, type: "Guid" };
    default:
      return value;
  }
}
