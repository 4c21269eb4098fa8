import { decodeQueuePayload, parseProbeMessage, type ProbeMessage } from "../../lib/cycle/message.js";
import { runSchedule } from "../../lib/cycle/schedule.js";
import type { Storage } from "../../lib/store/storage.js";

/** Runs the schedule at `now` and takes the one probe message it queued (the profile's whole cycle). */
export async function scheduleOneMessage(storage: Storage, queueName: string, now: Date): Promise<ProbeMessage> {
  await runSchedule({ storage, now: () => now, probeQueue: queueName, shardSize: 500 });
  const queue = await storage.queue(queueName);
  const item = (await queue.receiveMessages({ numberOfMessages: 1 })).receivedMessageItems[0]!;
  await queue.deleteMessage(item.messageId, item.popReceipt);
  const parsed = parseProbeMessage(decodeQueuePayload(item.messageText));
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  return parsed.message;
}

/** Takes every probe message the queue holds, parsed, in the order the queue gave them; the queue is empty after. */
export async function drainProbeMessages(storage: Storage, queueName: string): Promise<ProbeMessage[]> {
  const queue = await storage.queue(queueName);
  const messages: ProbeMessage[] = [];
  for (;;) {
    const batch = await queue.receiveMessages({ numberOfMessages: 32 });
    if (batch.receivedMessageItems.length === 0) return messages;
    for (const item of batch.receivedMessageItems) {
      const parsed = parseProbeMessage(decodeQueuePayload(item.messageText));
      if (!parsed.ok) throw new Error(parsed.problems.join("; "));
      messages.push(parsed.message);
      await queue.deleteMessage(item.messageId, item.popReceipt);
    }
  }
}
