import { queueFunction } from "../app/registry.js";
import { describeProbeResult, handleProbeMessage } from "../lib/probe/probe-message.js";
import { runtime } from "../lib/runtime.js";

queueFunction("probe", {
  queueName: runtime().settings.probeQueue,
  handler: async (message, context) => {
    context.log(describeProbeResult(await handleProbeMessage(runtime(), message)));
  },
});
