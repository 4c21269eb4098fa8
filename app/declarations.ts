import type { HttpMethod, HttpRequest, HttpResponseInit, InvocationContext, Timer } from "@azure/functions";
import type { AppContext } from "../lib/app-context.js";
import type { RegistrationValues } from "../lib/config/registration.js";

export type AuthLevel = "anonymous" | "function" | "admin";

/**
 * A function of the app as plain data: its trigger and a handler that takes the app context explicitly. Declaring
 * one registers nothing; app/main.ts (Functions host) and local/host.ts (local host) register the same list.
 */
export type Declaration = HttpDeclaration | TimerDeclaration | QueueDeclaration;

export interface HttpDeclaration {
  kind: "http";
  name: string;
  route: string;
  methods: HttpMethod[];
  authLevel: AuthLevel;
  handler(context: AppContext, request: HttpRequest, invocation: InvocationContext): Promise<HttpResponseInit>;
}

export interface TimerDeclaration {
  kind: "timer";
  name: string;
  /** Read from the settings when the function is registered. */
  schedule(values: RegistrationValues): string;
  runOnStartup?: boolean;
  handler(context: AppContext, timer: Timer, invocation: InvocationContext): Promise<void>;
}

export interface QueueDeclaration {
  kind: "queue";
  name: string;
  queueName(values: RegistrationValues): string;
  handler(context: AppContext, message: unknown, invocation: InvocationContext): Promise<void>;
}

export const httpFunction = (declaration: Omit<HttpDeclaration, "kind">): HttpDeclaration => ({ kind: "http", ...declaration });
export const timerFunction = (declaration: Omit<TimerDeclaration, "kind">): TimerDeclaration => ({ kind: "timer", ...declaration });
export const queueFunction = (declaration: Omit<QueueDeclaration, "kind">): QueueDeclaration => ({ kind: "queue", ...declaration });

/** A host's log lines for a timer's use case, through the invocation so the host correlates them. */
export const invocationLog = (invocation: InvocationContext) => ({ info: (m: string) => invocation.log(m), warn: (m: string) => invocation.warn(m) });
