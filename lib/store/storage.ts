import type { TableClient, TableEntityResult, TableServiceClientOptions, TransactionAction } from "@azure/data-tables";
import type { HttpClient } from "@azure/core-rest-pipeline";
import type { QueueClient, StoragePipelineOptions } from "@azure/storage-queue";
import type { TokenCredential } from "@azure/identity";
import type { StorageTarget } from "../config/settings.js";
import type { AsRead } from "../util/as-read.js";

/**
 * No storage request waits longer than this for its answer headers. A request that times out fails (the SDK does not
 * retry an aborted request); the function then fails and the platform runs it again (queue) or at the next firing (timer).
 */
const requestTimeoutMs = 30_000;

/** Every table of the data layout in the design. */
export const tableNames = ["profiles", "mailboxes", "checks", "hourly", "connection", "notifications", "alerts", "summaries", "cycles", "dynamics", "leases"] as const;
export type TableName = (typeof tableNames)[number];

/** Counts requests sent to Table Storage, so tests and benchmarks can hold the app to its budget. */
export class RequestCounter {
  table = 0;
  reset(): void {
    this.table = 0;
  }
}

/** The storage requests sent and not answered yet: how long storage has kept the oldest one waiting. */
export class PendingRequests {
  #next = 0;
  readonly #started = new Map<number, number>();
  begin(): number {
    const id = this.#next++;
    this.#started.set(id, Date.now());
    return id;
  }
  end(id: number): void {
    this.#started.delete(id);
  }
  /** How long the oldest unanswered request has waited, 0 when none is waiting. */
  oldestWaitMs(now = Date.now()): number {
    let oldest = now;
    for (const t of this.#started.values()) oldest = Math.min(oldest, t);
    return now - oldest;
  }
  async track<T>(work: Promise<T>): Promise<T> {
    const id = this.begin();
    try {
      return await work;
    } finally {
      this.end(id);
    }
  }
}

/**
 * The SDK's table client, whose transactions are written by the app (lib/store/transaction.ts), with the app's own
 * query reader beside it (lib/store/query.ts): every row a filter selects, as the SDK would list them.
 */
export type AppTable = TableClient & {
  rowsWhere<T extends object>(filter: string, select?: readonly string[]): Promise<TableEntityResult<T>[]>;
  /** The same rows, the first `firstPage` in hand as soon as read and the rest as read (lib/store/query.ts). */
  rowsAsRead<T extends object>(filter: string, firstPage: number): Promise<AsRead<TableEntityResult<T>>>;
};

export interface Storage {
  table(name: TableName): Promise<AppTable>;
  queue(name: string): Promise<QueueClient>;
  readonly requests: RequestCounter;
  readonly pending: PendingRequests;
}

export class StorageNotConfigured extends Error {
  constructor() {
    super("No storage is configured: set AzureWebJobsStorage (a connection string) or AzureWebJobsStorage__accountName (managed identity).");
    this.name = "StorageNotConfigured";
  }
}

/** Table and queue clients for one storage target; tables and queues are created on first use. */
export function createStorage(target: StorageTarget, options: { tablePrefix?: string } = {}): Storage {
  const requests = new RequestCounter();
  const pending = new PendingRequests();
  const prefix = options.tablePrefix ?? "";
  const tables = new Map<string, Promise<AppTable>>();
  const queues = new Map<string, Promise<QueueClient>>();
  let credential: Promise<TokenCredential> | undefined;
  let tableHttp: Promise<HttpClient> | undefined;
  /** The HTTP client of the app's own table requests (transactions and queries), one for all the storage's tables. */
  const storageHttpClient = (): Promise<HttpClient> => (tableHttp ??= import("@azure/core-rest-pipeline").then(({ createDefaultHttpClient }) => createDefaultHttpClient()));

  const managedIdentity = (clientId?: string): Promise<TokenCredential> => {
    credential ??= import("@azure/identity").then(({ DefaultAzureCredential }) =>
      clientId === undefined ? new DefaultAzureCredential() : new DefaultAzureCredential({ managedIdentityClientId: clientId }),
    );
    return credential;
  };

  /** `recreate` makes the client's table again (late-bound: the policy exists before its client). */
  const tableOptions = (insecure: boolean, recreate: () => Promise<void>): TableServiceClientOptions => ({
    allowInsecureConnection: insecure,
    retryOptions: { maxRetries: 3, maxRetryDelayInMs: 5_000 },
    additionalPolicies: [
      {
        // Storage that came back empty (restarted, or an operator deleted the table): made again once, then the request is sent again.
        policy: {
          name: "recreateMissingTable",
          sendRequest: async (req, next) => {
            try {
              return await next(req);
            } catch (error) {
              if (errorCodeOf(error) !== "TableNotFound") throw error;
              await recreate();
              return next(req);
            }
          },
        },
        position: "perCall",
      },
      { policy: { name: "countTableRequests", sendRequest: (req, next) => (requests.table++, next(req)) }, position: "perCall" },
      { policy: { name: "tableRequestTimeout", sendRequest: (req, next) => ((req.timeout ||= requestTimeoutMs), pending.track(next(req))) }, position: "perRetry" },
    ],
  });
  const queueOptions: StoragePipelineOptions = { retryOptions: { maxTries: 4, tryTimeoutInMs: requestTimeoutMs, maxRetryDelayInMs: 5_000 } };

  async function newTable(name: string): Promise<AppTable> {
    // The SDKs load on first use: importing the app stays cheap (see app/main.ts).
    const { TableClient } = await import("@azure/data-tables");
    let client: TableClient | undefined;
    let insecure = false;
    const create = () => ignoreConflict(() => client!.createTable());
    switch (target.kind) {
      case "not-configured":
        throw new StorageNotConfigured();
      case "connection-string":
        insecure = isInsecure(target.connectionString);
        client = TableClient.fromConnectionString(target.connectionString, name, tableOptions(insecure, create));
        break;
      case "managed-identity":
        client = new TableClient(target.tableUrl, name, await managedIdentity(target.clientId), tableOptions(false, create));
        break;
    }
    await create();
    const [{ leanTransaction }, { queryRows, queryRowsAsRead }, http] = await Promise.all([import("./transaction.js"), import("./query.js"), storageHttpClient()]);
    const table = client;
    const wire = { http, allowInsecureConnection: insecure };
    const bySdk = client.submitTransaction.bind(client);
    // A failure the app reads from the answer itself comes back past the pipeline's policy: the same recreation, here.
    const recreatingOnce = async <R>(send: () => Promise<R>): Promise<R> => {
      try {
        return await send();
      } catch (error) {
        if (errorCodeOf(error) !== "TableNotFound") throw error;
        await create();
        return send();
      }
    };
    table.submitTransaction = (actions) => recreatingOnce(() => leanTransaction(table, wire, actions) ?? bySdk(actions));
    return Object.assign(table, {
      rowsWhere: <T extends object>(filter: string, select?: readonly string[]) => recreatingOnce(() => queryRows<T>(table, wire, filter, select)),
      rowsAsRead: <T extends object>(filter: string, firstPage: number) => recreatingOnce(() => queryRowsAsRead<T>(table, wire, filter, firstPage)),
    });
  }

  async function newQueue(name: string): Promise<QueueClient> {
    const { QueueClient } = await import("@azure/storage-queue");
    let client: QueueClient;
    switch (target.kind) {
      case "not-configured":
        throw new StorageNotConfigured();
      case "connection-string":
        client = new QueueClient(target.connectionString, name, queueOptions);
        break;
      case "managed-identity":
        client = new QueueClient(`${target.queueUrl}/${name}`, await managedIdentity(target.clientId), queueOptions);
        break;
    }
    await client.createIfNotExists();
    return recreatingQueue(client, pending);
  }

  return {
    requests,
    pending,
    table(name) {
      const full = `${prefix}${name}`;
      let client = tables.get(full);
      if (client === undefined) {
        client = newTable(full);
        client.catch(() => tables.delete(full));
        tables.set(full, client);
      }
      return client;
    },
    queue(name) {
      let client = queues.get(name);
      if (client === undefined) {
        client = newQueue(name);
        client.catch(() => queues.delete(name));
        queues.set(name, client);
      }
      return client;
    },
  };
}

function isInsecure(connectionString: string): boolean {
  return /UseDevelopmentStorage=true/i.test(connectionString) || /DefaultEndpointsProtocol=http;/i.test(connectionString) || /Endpoint=http:/i.test(connectionString);
}

async function ignoreConflict(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 409) throw error;
  }
}

/** The service's error code of a failed request (`TableNotFound`, `QueueNotFound`…), wherever the SDK put it. */
function errorCodeOf(error: unknown): string | undefined {
  const e = error as { code?: unknown; details?: { errorCode?: unknown }; response?: { headers?: { get?(name: string): string | undefined }; bodyAsText?: string | null } } | undefined;
  const code = e?.details?.errorCode ?? e?.response?.headers?.get?.("x-ms-error-code") ?? e?.code;
  if (typeof code === "string") return code;
  // Inside the pipeline the answer is not parsed yet: the code is in its body, `{"odata.error":{"code":"TableNotFound",…}}`.
  const body = e?.response?.bodyAsText;
  return typeof body === "string" ? /"code"\s*:\s*"(\w+)"/.exec(body)?.[1] : undefined;
}

/**
 * The queue client, each of its requests counted as pending while it waits, and a queue that has gone (storage came
 * back empty) made again once and the request sent again.
 */
function recreatingQueue(client: QueueClient, pending: PendingRequests): QueueClient {
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function" || property === "constructor") return value;
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        if (!(result instanceof Promise)) return result;
        return pending.track(
          result.catch(async (error: unknown) => {
            if (errorCodeOf(error) !== "QueueNotFound") throw error;
            await target.createIfNotExists();
            return value.apply(target, args);
          }),
        );
      };
    },
  });
}
