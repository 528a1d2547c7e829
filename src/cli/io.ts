// What a command reads and writes besides the database: the environment and two output streams. The real
// process passes its own; tests pass buffers and an environment of their choosing, and run commands in-process.
import type { DestinationStream } from 'pino';

export interface CliOutput {
  write(text: string): unknown;
}

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: CliOutput;
  stderr: CliOutput;
  /** Where `serve` and `worker` log; pino's own fast writer to stdout when absent. */
  logDestination?: DestinationStream;
}

export function processIo(): CliIo {
  return { env: process.env, stdout: process.stdout, stderr: process.stderr };
}

/** Writes one line. */
export function writeLine(output: CliOutput, line: string): void {
  output.write(`${line}\n`);
}
