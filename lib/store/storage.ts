import type { TableClient, TableServiceClientOptions } from "@azure/data-tables";
import type { QueueClient, StoragePipelineOptions } from "@azure/storage-queue";
import type { TokenCredential } from "@azure/identity";
import type { StorageTarget } from "../config/settings.js";

/**
 * No storage request waits longer than this for its answer headers. A request that times out fails (the SDK does not
 * retry an aborted request); the function then fails and the platform runs it again (queue) or at the next firing (timer).
 */
const requestTimeoutMs = 30_000;

/** Every table of the data layout in the design. */
export const tableNames = ["profiles", "mailboxes", "checks", "hourly", "connection", "notifications", "alerts", "summaries", "cycles", "dynamics"] as const;
export type TableName = (typeof tableNames)[number];

/** Counts requests sent to Table Storage, so tests and benchmarks can hold the app to its budget. */
export class RequestCounter {
  table = 0;
  reset(): void {
    this.table = 0;
  }
}

export interface Storage {
  table(name: TableName): Promise<TableClient>;
  queue(name: string): Promise<QueueClient>;
  readonly requests: RequestCounter;
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
  const prefix = options.tablePrefix ?? "";
  const tables = new Map<string, Promise<TableClient>>();
  const queues = new Map<string, Promise<QueueClient>>();
  let credential: Promise<TokenCredential> | undefined;

  const managedIdentity = (clientId?: string): Promise<TokenCredential> => {
    credential ??= import("@azure/identity").then(({ DefaultAzureCredential }) =>
      clientId === undefined ? new DefaultAzureCredential() : new DefaultAzureCredential({ managedIdentityClientId: clientId }),
    );
    return credential;
  };

  const tableOptions = (insecure: boolean): TableServiceClientOptions => ({
    allowInsecureConnection: insecure,
    retryOptions: { maxRetries: 3, maxRetryDelayInMs: 5_000 },
    additionalPolicies: [
      { policy: { name: "countTableRequests", sendRequest: (req, next) => (requests.table++, next(req)) }, position: "perCall" },
      { policy: { name: "tableRequestTimeout", sendRequest: (req, next) => ((req.timeout ||= requestTimeoutMs), next(req)) }, position: "perRetry" },
    ],
  });
  const queueOptions: StoragePipelineOptions = { retryOptions: { maxTries: 4, tryTimeoutInMs: requestTimeoutMs, maxRetryDelayInMs: 5_000 } };

  async function newTable(name: string): Promise<TableClient> {
    // The SDKs load on first use: importing the app stays cheap (see app/main.ts).
    const { TableClient } = await import("@azure/data-tables");
    let client: TableClient;
    switch (target.kind) {
      case "not-configured":
        throw new StorageNotConfigured();
      case "connection-string":
        client = TableClient.fromConnectionString(target.connectionString, name, tableOptions(isInsecure(target.connectionString)));
        break;
      case "managed-identity":
        client = new TableClient(target.tableUrl, name, await managedIdentity(target.clientId), tableOptions(false));
        break;
    }
    await ignoreConflict(() => client.createTable());
    return client;
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
    return client;
  }

  return {
    requests,
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
