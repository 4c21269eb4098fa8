export type LocalLog = (line: string) => void;

export const consoleLog: LocalLog = (line) => console.log(`[${new Date().toISOString()}] ${line}`);

export function elapsedSince(started: number): string {
  return `${Math.round(performance.now() - started)} ms`;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
