import { type ChildProcess, fork } from 'node:child_process';

/** Starts a bench server script in its own process and waits for the message it sends when ready. */
export async function startChild<T>(
  script: string,
  env: Record<string, string> = {},
  /** Node options besides tsx (e.g. --cpu-prof). */
  execArgv: readonly string[] = [],
): Promise<{ child: ChildProcess; ready: T }> {
  const child = fork(script, [], {
    execArgv: ['--import', 'tsx', ...execArgv],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<T>((resolve, reject) => {
    child.once('message', (message) => resolve(message as T));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { child, ready };
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
