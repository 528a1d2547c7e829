// Runs a `contentstats` command line in this process (buildProgram with captured output), as the binary would.
import type { CliIo } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/program.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `env` is the whole environment the command sees (nothing of this test run's own leaks in). */
export async function runInProcess(env: Record<string, string>, args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    env,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    logDestination: { write: (text: string) => (stdout += text) },
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}
