import type { TableClient } from "@azure/data-tables";
import type { Storage } from "../../../lib/store/storage.js";

/**
 * Forces racing notifier runs to contend: every write to a profile's notifications partition waits until
 * `parties` reads of that profile's ledger have happened, so all runs decide on the same ledger before any
 * of them can claim. The storage underneath is the real one (Azurite); only the order is forced.
 */
export class LedgerBarrier {
  private readonly reads = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(readonly parties: number) {}

  private read(partition: string): void {
    const count = (this.reads.get(partition) ?? 0) + 1;
    this.reads.set(partition, count);
    if (count >= this.parties) for (const release of this.waiting.get(partition) ?? []) release();
  }

  private async beforeWrite(partition: string): Promise<void> {
    if ((this.reads.get(partition) ?? 0) >= this.parties) return;
    await new Promise<void>((resolve) => this.waiting.set(partition, [...(this.waiting.get(partition) ?? []), resolve]));
  }

  /** `storage` with its notifications table behind this barrier. */
  wrap(storage: Storage): Storage {
    const barrier = this;
    const guard = (table: TableClient): TableClient =>
      new Proxy(table, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver) as unknown;
          if (typeof value !== "function") return value;
          const method = value.bind(target) as (...args: unknown[]) => Promise<unknown>;
          if (property === "getEntity") {
            return async (partitionKey: string, rowKey: string, ...rest: unknown[]) => {
              try {
                return await method(partitionKey, rowKey, ...rest);
              } finally {
                if (rowKey === "ledger") barrier.read(partitionKey);
              }
            };
          }
          if (property === "createEntity" || property === "updateEntity" || property === "upsertEntity") {
            return async (entity: { partitionKey: string }, ...rest: unknown[]) => {
              await barrier.beforeWrite(entity.partitionKey);
              return method(entity, ...rest);
            };
          }
          if (property === "submitTransaction") {
            return async (actions: [string, { partitionKey: string }][], ...rest: unknown[]) => {
              await barrier.beforeWrite(actions[0]![1].partitionKey);
              return method(actions, ...rest);
            };
          }
          return method;
        },
      });
    return { ...storage, table: async (name) => (name === "notifications" ? guard(await storage.table(name)) : storage.table(name)) };
  }
}
