import { randomUUID } from "node:crypto";
import azureFunctions from "@azure/functions";
import type { DequeuedMessageItem, QueueClient } from "@azure/storage-queue";
import type { Registration } from "../app/registrations.js";
import type { Storage } from "../lib/store/storage.js";
import { decodeQueuePayload } from "../lib/cycle/message.js";
import type { HostConfig } from "./host-config.js";
import { elapsedSince, errorText, levelOfInvocation, type LocalLog } from "./log.js";

// @azure/functions is CommonJS; its classes are reached through the default export.
const { InvocationContext } = azureFunctions;

type QueueRegistration = Extract<Registration, { kind: "queue" }>;

export interface QueueHost {
  /** Resolves when every queue is empty and no message is being handled (messages waiting for a retry count as not empty). */
  idle(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const minPollMs = 100;

/**
 * Delivers Storage Queue messages like the Functions host: Base64 payloads, JSON decoded when they are JSON,
 * the dequeue count in the trigger metadata, a failed message made visible again after visibilityTimeout,
 * and after maxDequeueCount tries the message moved to `<queue>-poison`.
 */
export function startQueues(registrations: readonly Registration[], storage: Storage, config: HostConfig["queues"], log: LocalLog): QueueHost {
  const functions = registrations.filter((r): r is QueueRegistration => r.kind === "queue");
  let stopped = false;
  const inFlight = new Set<Promise<void>>();
  const wakers = new Set<() => void>();
  const emptyQueues = new Set<string>();
  const loops = functions.map((f) => pollLoop(f));

  async function pollLoop(fn: QueueRegistration): Promise<void> {
    let delay = minPollMs;
    let clients: { queue: QueueClient; poison: QueueClient } | undefined;
    while (!stopped) {
      try {
        clients ??= { queue: await storage.queue(fn.queueName), poison: await storage.queue(`${fn.queueName}-poison`) };
        const response = await clients.queue.receiveMessages({
          numberOfMessages: Math.min(config.batchSize, 32),
          visibilityTimeout: Math.max(30, Math.ceil(config.visibilityTimeoutMs / 1000)) + 600,
        });
        const received = response.receivedMessageItems;
        if (stopped) {
          // Stopping: hand the messages back at once rather than run them against storage that is going away.
          const { queue } = clients;
          await Promise.allSettled(received.map((m) => queue.updateMessage(m.messageId, m.popReceipt, undefined, 0)));
          break;
        }
        if (received.length === 0) {
          const properties = await clients.queue.getProperties();
          if ((properties.approximateMessagesCount ?? 0) === 0) emptyQueues.add(fn.name);
        } else {
          emptyQueues.delete(fn.name);
          delay = minPollMs;
          const { queue, poison } = clients;
          const batch = Promise.all(received.map((m) => deliver(fn, queue, poison, m))).then(() => undefined);
          inFlight.add(batch);
          await batch.finally(() => inFlight.delete(batch));
          continue;
        }
      } catch (error) {
        if (!stopped) log(`${fn.name} (queue ${fn.queueName}) could not be polled, trying again: ${errorText(error)}`, "warn");
      }
      await sleep(delay);
      delay = Math.min(delay * 2, config.maxPollingIntervalMs);
    }
  }

  /** One message: run the handler, then settle the message; a storage error while settling is logged, never fatal. */
  async function deliver(fn: QueueRegistration, queue: QueueClient, poison: QueueClient, message: DequeuedMessageItem): Promise<void> {
    const started = performance.now();
    const context = new InvocationContext({
      invocationId: randomUUID(),
      functionName: fn.name,
      logHandler: (level, ...args) => log(`${fn.name}: ${args.map(String).join(" ")}`, levelOfInvocation(level)),
      triggerMetadata: {
        id: message.messageId,
        dequeueCount: message.dequeueCount,
        insertionTime: message.insertedOn.toISOString(),
        expirationTime: message.expiresOn.toISOString(),
        nextVisibleTime: message.nextVisibleOn.toISOString(),
        popReceipt: message.popReceipt,
        queueTrigger: message.messageText,
      },
    });
    const tries = `try ${message.dequeueCount}/${config.maxDequeueCount}`;
    let failure: unknown;
    let succeeded = false;
    try {
      await fn.handler(decodeQueuePayload(message.messageText), context);
      succeeded = true;
    } catch (error) {
      failure = error;
    }
    try {
      if (succeeded) {
        await queue.deleteMessage(message.messageId, message.popReceipt);
        log(`${fn.name} (queue ${fn.queueName}, ${tries}) succeeded in ${elapsedSince(started)}`, "debug");
      } else if (message.dequeueCount >= config.maxDequeueCount) {
        await poison.sendMessage(message.messageText);
        await queue.deleteMessage(message.messageId, message.popReceipt);
        log(`${fn.name} (queue ${fn.queueName}, ${tries}) failed, moved to ${fn.queueName}-poison: ${errorText(failure)}`, "error");
      } else {
        await queue.updateMessage(message.messageId, message.popReceipt, undefined, Math.ceil(config.visibilityTimeoutMs / 1000));
        log(`${fn.name} (queue ${fn.queueName}, ${tries}) failed in ${elapsedSince(started)}: ${errorText(failure)}`, "warn");
      }
    } catch (error) {
      // The message becomes visible again when its lease runs out, and is delivered again.
      log(`${fn.name} (queue ${fn.queueName}, ${tries}) ${succeeded ? "succeeded" : "failed"} but the message could not be settled: ${errorText(error)}`, "warn");
    }
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const waker = () => {
        clearTimeout(handle);
        wakers.delete(waker);
        resolve();
      };
      const handle = setTimeout(waker, ms);
      wakers.add(waker);
    });
  }

  return {
    async idle(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        for (const wake of [...wakers]) wake();
        await new Promise((r) => setTimeout(r, 50));
        if (inFlight.size === 0 && functions.every((f) => emptyQueues.has(f.name))) {
          await new Promise((r) => setTimeout(r, minPollMs * 2));
          if (inFlight.size === 0 && functions.every((f) => emptyQueues.has(f.name))) return;
        }
        if (Date.now() > deadline) throw new Error(`Queues did not become idle within ${timeoutMs} ms`);
      }
    },
    async stop() {
      stopped = true;
      for (const wake of [...wakers]) wake();
      // Handlers in flight finish; a poll stuck in the SDK's retries against unreachable storage is not waited for.
      await Promise.allSettled([...inFlight]);
      await Promise.race([Promise.allSettled(loops), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    },
  };
}
