/** LOG_LEVEL: the least severe line written. `info` tells what changed; `debug` adds every run, request and decision. */
export const logLevels = ["error", "warn", "info", "debug"] as const;
export type LogLevel = (typeof logLevels)[number];

/** Whether a line of `level` is written when the threshold is `threshold`. */
export function logs(threshold: LogLevel, level: LogLevel): boolean {
  return logLevels.indexOf(level) <= logLevels.indexOf(threshold);
}

/** The log a use case writes to; each host decides where the lines go and drops those below LOG_LEVEL. */
export interface Log {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}
