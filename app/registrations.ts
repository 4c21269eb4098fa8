import type { HttpHandler, HttpMethod, StorageQueueHandler, TimerHandler } from "@azure/functions";
import type { AppContext } from "../lib/app-context.js";
import type { RegistrationValues } from "../lib/config/registration.js";
import { answerWithinStorageDeadline } from "../lib/http/storage-deadline.js";
import type { AuthLevel, Declaration } from "./declarations.js";

/** A declaration made ready for a host: schedule and queue name resolved, the handler bound to the app context. */
export type Registration =
  | { kind: "http"; name: string; route: string; methods: HttpMethod[]; authLevel: AuthLevel; handler: HttpHandler }
  | { kind: "timer"; name: string; schedule: string; runOnStartup: boolean; handler: TimerHandler }
  | { kind: "queue"; name: string; queueName: string; handler: StorageQueueHandler };

/** `context` is asked on every invocation, so a host may build it lazily (the Functions host does). */
export function registrationsOf(
  declarations: readonly Declaration[],
  values: RegistrationValues,
  context: () => AppContext | Promise<AppContext>,
): Registration[] {
  return declarations.map((d): Registration => {
    switch (d.kind) {
      case "http":
        return {
          kind: "http",
          name: d.name,
          route: d.route,
          methods: d.methods,
          authLevel: d.authLevel,
          handler: async (request, invocation) => {
            const ctx = await context();
            // Every HTTP function: 503 with the reason within a few seconds when storage does not answer, never a bare 500 after 30 s.
            return answerWithinStorageDeadline(ctx.storage.pending, () => d.handler(ctx, request, invocation));
          },
        };
      case "timer":
        return { kind: "timer", name: d.name, schedule: d.schedule(values), runOnStartup: d.runOnStartup ?? false, handler: async (timer, invocation) => d.handler(await context(), timer, invocation) };
      case "queue":
        return { kind: "queue", name: d.name, queueName: d.queueName(values), handler: async (message, invocation) => d.handler(await context(), message, invocation) };
    }
  });
}
