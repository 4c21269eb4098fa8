import type { HttpMethod, HttpRequest, HttpResponseInit, InvocationContext, Timer } from "@azure/functions";
import type { AppContext } from "../lib/app-context.js";
import type { RegistrationValues } from "../lib/config/registration.js";
import { logs, type Log, type LogLevel } from "../lib/config/log-level.js";

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

/**
 * A use case's log lines, through the invocation so the host correlates them, without those below LOG_LEVEL. The
 * Functions host then applies host.json's logging.logLevel ("Function") too: a line is written when both allow it.
 */
export function invocationLog(invocation: InvocationContext, threshold: LogLevel): Log {
  const at = (level: LogLevel, write: (message: string) => void) => (message: string) => {
    if (logs(threshold, level)) write(message);
  };
  return {
    error: at("error", (m) => invocation.error(m)),
    warn: at("warn", (m) => invocation.warn(m)),
    info: at("info", (m) => invocation.info(m)),
    debug: at("debug", (m) => invocation.debug(m)),
  };
}
