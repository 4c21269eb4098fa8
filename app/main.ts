import azureFunctions from "@azure/functions";
import { registrationValues } from "../lib/config/registration.js";
import type { AppContext } from "../lib/app-context.js";
import { functions } from "./functions.js";
import { registrationsOf } from "./registrations.js";

// The Functions host's entry (package.json "main"). @azure/functions is CommonJS; `app` is on its default export.
const { app } = azureFunctions;

/**
 * The app context of this process, built on first use and then shared by every invocation: the one module-level
 * holder of the app. Its libraries load here, not at import, which keeps the host's start cheap (bench/startup.ts).
 */
let context: Promise<AppContext> | undefined;

function appContext(): Promise<AppContext> {
  context ??= (async () => {
    const [{ loadSettings }, { createAppContext }] = await Promise.all([import("../lib/config/settings.js"), import("../lib/app-context.js")]);
    return createAppContext(loadSettings(process.env));
  })().catch((error: unknown) => {
    context = undefined;
    throw error;
  });
  return context;
}

// Every setting is validated when the app starts, before any invocation: a wrong one stops the app with one
// message naming each wrong setting (TRUSTED_CA_FILE is read too; storage clients are made on first use).
app.hook.appStart(async () => {
  await appContext();
});

for (const registration of registrationsOf(functions, registrationValues(process.env), appContext)) {
  const { kind, name, handler } = registration;
  if (kind === "http") app.http(name, { route: registration.route, methods: registration.methods, authLevel: registration.authLevel, handler });
  if (kind === "timer") app.timer(name, { schedule: registration.schedule, runOnStartup: registration.runOnStartup, handler });
  if (kind === "queue") app.storageQueue(name, { queueName: registration.queueName, connection: "AzureWebJobsStorage", handler });
}
