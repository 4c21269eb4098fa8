import azureFunctions from "@azure/functions";
import type { HttpHandler, HttpMethod, StorageQueueHandler, TimerHandler } from "@azure/functions";

// @azure/functions is CommonJS; its classes are reached through the default export.
const { app } = azureFunctions;

export type AuthLevel = "anonymous" | "function" | "admin";

/** Every function the app declares, recorded once so both the Functions host and the local host see the same thing. */
export type Registration =
  | { kind: "http"; name: string; route: string; methods: HttpMethod[]; authLevel: AuthLevel; handler: HttpHandler }
  | { kind: "timer"; name: string; schedule: string; runOnStartup: boolean; handler: TimerHandler }
  | { kind: "queue"; name: string; queueName: string; handler: StorageQueueHandler };

type Target = "functions-host" | "local-host";

const registrations: Registration[] = [];
let target: Target = "functions-host";
let startHookRegistered = false;

/**
 * On the Functions host, every setting is validated when the app starts, before any invocation: a wrong one stops
 * the app with one message naming each wrong setting (the local host does the same before loading the functions).
 */
function validateSettingsAtStart(): void {
  if (startHookRegistered || target !== "functions-host") return;
  startHookRegistered = true;
  app.hook.appStart(async () => {
    // Builds the runtime: every setting validated, TRUSTED_CA_FILE read (storage clients are still made on first use).
    const { runtime } = await import("../lib/runtime.js");
    runtime();
  });
}

/** The local host calls this before it imports the functions, so nothing is handed to @azure/functions' test mode. */
export function useLocalHost(): void {
  target = "local-host";
}

export function registered(): readonly Registration[] {
  return registrations;
}

export function httpFunction(
  name: string,
  options: { route: string; methods: HttpMethod[]; authLevel: AuthLevel; handler: HttpHandler },
): void {
  registrations.push({ kind: "http", name, ...options });
  validateSettingsAtStart();
  if (target === "functions-host") app.http(name, options);
}

export function timerFunction(name: string, options: { schedule: string; runOnStartup?: boolean; handler: TimerHandler }): void {
  const runOnStartup = options.runOnStartup ?? false;
  registrations.push({ kind: "timer", name, schedule: options.schedule, runOnStartup, handler: options.handler });
  validateSettingsAtStart();
  if (target === "functions-host") app.timer(name, { schedule: options.schedule, runOnStartup, handler: options.handler });
}

export function queueFunction(name: string, options: { queueName: string; handler: StorageQueueHandler }): void {
  registrations.push({ kind: "queue", name, ...options });
  validateSettingsAtStart();
  if (target === "functions-host") app.storageQueue(name, { ...options, connection: "AzureWebJobsStorage" });
}
