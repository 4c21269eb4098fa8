import { lazy } from "../app/lazy.js";
import { queueFunction } from "../app/registry.js";
import { registrationValues } from "../lib/config/registration.js";

const lib = lazy(async () => ({ ...(await import("../lib/runtime.js")), ...(await import("../lib/cycle/run.js")) }));

queueFunction("probe", {
  queueName: registrationValues().probeQueue,
  handler: async (message, context) => {
    const { runtime, handleProbeMessage, describeProbeResult } = await lib();
    context.log(describeProbeResult(await handleProbeMessage(runtime(), message)));
  },
});
