import { invocationLog, queueFunction } from "../app/declarations.js";

/** PROBE_QUEUE: checks one profile's shard of mailboxes and records the results. */
export const probe = queueFunction({
  name: "probe",
  queueName: (values) => values.probeQueue,
  handler: async (context, message, invocation) => {
    const { handleProbeMessage, describeProbeResult } = await import("../lib/cycle/run.js");
    // One line per message: the cycle's details, for LOG_LEVEL=debug; failures reach the owner and the status.
    invocationLog(invocation, context.settings.logLevel).debug(describeProbeResult(await handleProbeMessage(context, message)));
  },
});
