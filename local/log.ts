import { logs, type LogLevel } from "../lib/config/log-level.js";

/** A line of the local host's log and its level (`info` when not said); the log decides whether to write it. */
export type LocalLog = (line: string, level?: LogLevel) => void;

/** Timestamped lines at `threshold` (LOG_LEVEL) or more severe; errors and warnings say so. */
export function lineLog(write: (line: string) => void, threshold: LogLevel): LocalLog {
  return (line, level = "info") => {
    if (!logs(threshold, level)) return;
    const mark = level === "error" ? " ERROR" : level === "warn" ? " WARN" : "";
    write(`[${new Date().toISOString()}]${mark} ${line}`);
  };
}

export const consoleLog: LocalLog = lineLog((line) => console.log(line), "info");

/** The level of a line a function wrote through its InvocationContext (trace, debug, information, warning, error, critical). */
export function levelOfInvocation(level: string): LogLevel {
  switch (level) {
    case "critical":
    case "error":
      return "error";
    case "warning":
      return "warn";
    case "information":
      return "info";
    default:
      return "debug";
  }
}

export function elapsedSince(started: number): string {
  return `${Math.round(performance.now() - started)} ms`;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
