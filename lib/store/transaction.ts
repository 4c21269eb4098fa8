import { randomUUID } from "node:crypto";
import type { TableClient, TableTransactionResponse, TransactionAction } from "@azure/data-tables";
import { createHttpHeaders, createPipelineRequest, RestError, type HttpClient } from "@azure/core-rest-pipeline";

/** How the app's own table requests go out: the storage's HTTP client, and whether plain http is allowed (Azurite). */
export interface TableWire {
  http: HttpClient;
  allowInsecureConnection: boolean;
}

/**
 * A table transaction's `$batch` body written here, sent through the table client's own pipeline (its credential,
 * retries, timeouts and request counting). The SDK builds each of a transaction's entities by running it through a
 * whole request pipeline of its own and starts a new client per transaction, some 6 ms of CPU for 100 entities; a
 * cycle writes twenty such transactions while its answers wait on the same thread. Written here, it is a string.
 *
 * Every action kind, for entities whose values are strings, numbers, booleans, nulls or Dates, the values the app
 * writes; an entity with another (a Uint8Array, a typed EDM value) is left to the SDK (`undefined`).
 */
export function leanTransaction(client: TableClient, wire: TableWire, actions: readonly TransactionAction[]): Promise<TableTransactionResponse> | undefined {
  // Cosmos DB's Table API takes a merge as POST with X-HTTP-Method: MERGE, which the SDK writes; Table Storage is ours.
  if (actions.length === 0 || isCosmos(client.url)) return undefined;
  const partitionKey = actions[0]![1].partitionKey;
  if (actions.some((a) => a[1].partitionKey !== partitionKey)) return Promise.reject(new Error("All operations in a transaction must target the same partitionKey"));
  const parts: string[] = [];
  const tableUrl = `${withoutQuery(client.url)}/${client.tableName}`;
  const changeset = `changeset_${randomUUID()}`;
  for (const action of actions) {
    const part = subrequest(tableUrl, changeset, action);
    if (part === undefined) return undefined;
    parts.push(part);
  }
  const batch = `batch_${randomUUID()}`;
  const body =
    `--${batch}\r\ncontent-type: multipart/mixed; boundary=${changeset}\r\n\r\n\r\n` +
    parts.join("\r\n") +
    `\r\n--${changeset}--\r\n--${batch}--\r\n`;
  const request = createPipelineRequest({
    url: batchUrl(client.url),
    method: "POST",
    body,
    headers: createHttpHeaders({
      accept: "application/json",
      "x-ms-version": "2019-02-02",
      DataServiceVersion: "3.0;",
      MaxDataServiceVersion: "3.0;NetFx",
      "Content-Type": `multipart/mixed; boundary=${batch}`,
      "Accept-Charset": "UTF-8",
    }),
    allowInsecureConnection: wire.allowInsecureConnection,
  });
  return client.pipeline.sendRequest(wire.http, request).then((response) => readTransactionAnswer(response.status, response.bodyAsText ?? "", actions.length, response));
}

/** The account URL without a SAS it may carry. */
export const withoutQuery = (url: string): string => url.split("?")[0]!.replace(/\/+$/, "");

/** A path under the account, with the SAS the account URL carries (if any) after the path's own query, as the SDK places it. */
export function accountUrlWith(accountUrl: string, path: string, query = ""): string {
  const sas = accountUrl.split("?")[1];
  const params = [query, sas ?? ""].filter((p) => p !== "").join("&");
  return `${withoutQuery(accountUrl)}/${path}${params === "" ? "" : `?${params}`}`;
}

const batchUrl = (accountUrl: string): string => accountUrlWith(accountUrl, "$batch");

const isCosmos = (url: string): boolean => /\.table\.cosmos(db)?\./i.test(new URL(url).hostname);

const keyOf = (key: string): string => encodeURIComponent(key.replace(/'/g, "''"));

function subrequest(tableUrl: string, changeset: string, action: TransactionAction): string | undefined {
  const [kind, entity] = action;
  const head = `--${changeset}\r\ncontent-type: application/http\r\ncontent-transfer-encoding: binary\r\n\r\n`;
  const url = `${tableUrl}(PartitionKey='${keyOf(entity.partitionKey)}',RowKey='${keyOf(entity.rowKey)}')`;
  if (kind === "delete") return `${head}DELETE ${url} HTTP/1.1\r\nAccept: application/json;odata=minimalmetadata\r\nDataServiceVersion: 3.0\r\nIf-Match: *\r\n\r\n`;
  const json = entityJson(entity);
  if (json === undefined) return undefined;
  if (kind === "create") return `${head}POST ${tableUrl} HTTP/1.1\r\nContent-Type: application/json;odata=nometadata\r\nAccept: application/json;odata=minimalmetadata\r\nDataServiceVersion: 3.0\r\nPrefer: return-no-content\r\n\r\n\r\n${json}`;
  const method = (action[2] ?? "Merge") === "Replace" ? "PUT" : "PATCH";
  // An update applies only to the row as it was read (its ETag), or to any row there is; an upsert also makes one.
  const ifMatch = kind === "update" ? `If-Match: ${action[3]?.etag ?? "*"}\r\n` : "";
  return `${head}${method} ${url} HTTP/1.1\r\nContent-Type: application/json\r\nDataServiceVersion: 3.0\r\nAccept: application/json\r\n${ifMatch}\r\n\r\n${json}`;
}

/** The SDK's names on the wire: a row read and written back keeps its ETag and Timestamp out of its columns. */
const wireNames: Readonly<Record<string, string>> = { partitionKey: "PartitionKey", rowKey: "RowKey", etag: "odata.etag", timestamp: "Timestamp" };

/** The entity as the SDK serializes it: the keys, ETag and Timestamp by their wire names, a Date with its EDM type. */
function entityJson(entity: Record<string, unknown>): string | undefined {
  const wire: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(entity)) {
    const key = wireNames[name] ?? name;
    if (value === undefined || value === null || typeof value === "string" || typeof value === "boolean" || typeof value === "number") wire[key] = value;
    else if (value instanceof Date) {
      wire[key] = value.toISOString();
      wire[`${key}@odata.type`] = "Edm.DateTime";
    } else return undefined;
  }
  return JSON.stringify(wire);
}

/**
 * The answer of a `$batch`: every part's status, or the first refusal thrown as the SDK throws it (a RestError with
 * the part's status and `odata.error` code), since a transaction that fails is all refused.
 */
export function readTransactionAnswer(status: number, body: string, actions: number, response?: RestErrorResponse): TableTransactionResponse {
  if (status < 200 || status >= 300) throw refusal(body, status, response);
  const parts = body.split("--changesetresponse_").slice(1, -1);
  const subResponses = parts.map((part) => {
    const partStatus = Number(/HTTP\/1\.1 (\d{3})/.exec(part)?.[1]);
    if (!Number.isInteger(partStatus)) throw new RestError(`A table transaction's answer has a part without a status: ${part.slice(0, 200)}`, { statusCode: status, ...(response === undefined ? {} : { request: response.request, response }) });
    if (partStatus >= 300) throw refusal(/\{.*\}/s.exec(part)?.[0] ?? "", partStatus, response);
    const etag = /^ETag: (.*?)\r?$/m.exec(part)?.[1];
    const rowKey = /RowKey='(.*?)'\)/.exec(part)?.[1];
    return { status: partStatus, ...(etag === undefined ? {} : { etag }), ...(rowKey === undefined ? {} : { rowKey }) };
  });
  // A success that does not answer every action is no answer to rely on (its ETags would be missing).
  if (subResponses.length !== actions) throw new RestError(`A table transaction of ${actions} actions was answered with ${subResponses.length} parts`, { statusCode: status, ...(response === undefined ? {} : { request: response.request, response }) });
  return { status, subResponses, getResponseForEntity: (rowKey) => subResponses.find((r) => r.rowKey === rowKey) };
}

type RestErrorResponse = ConstructorParameters<typeof RestError>[1] extends infer O ? (O extends { response?: infer R } ? R : never) : never;

export function refusal(json: string, statusCode: number, response: RestErrorResponse | undefined): RestError {
  let error: { code?: string; message?: { value?: string } } | undefined;
  try {
    error = (JSON.parse(json) as { "odata.error"?: typeof error })["odata.error"];
  } catch {
    error = undefined;
  }
  return new RestError(error?.message?.value ?? "Transaction Failed", { statusCode, ...(error?.code === undefined ? {} : { code: error.code }), ...(response === undefined ? {} : { request: response.request, response }) });
}
