/** What a command gets from the process: tests pass their own environment and capture the output. */
export interface CliIo {
  env: Record<string, string | undefined>;
  /** Writes one line (a newline is added) to standard output. */
  stdout(line: string): void;
  /** Writes one line (a newline is added) to standard error. */
  stderr(line: string): void;
  /** Where relative file names start; the process's working directory by default. */
  cwd?: string;
}

/** A subcommand: its arguments after its name; resolves to the exit status (0 ok, 1 failed, 2 wrong input). */
export type Command = (args: string[], io: CliIo) => Promise<number>;
