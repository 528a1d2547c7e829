// SQLite in WAL mode appends every commit to the write-ahead log; a checkpoint copies the log back into the
// database file and syncs it. By default the connection whose commit crosses 1,000 log pages does that work
// itself, inside its COMMIT: the server's event loop stops for it (measured: more than half of what a busy
// server's commits cost). A long-running process hands it to a thread of its own instead, on its own
// connection: PASSIVE checkpoints never block writers or readers, and the writer's own automatic checkpoint is
// kept only as a backstop, far out, should this thread ever fall behind.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Log pages after which the writer checkpoints by itself (the backstop; SQLite's default is 1,000). */
export const WRITER_BACKSTOP_PAGES = 10_000;

export interface BackgroundCheckpointer {
  /** Ends the thread (its connection closed) once any checkpoint it is running has finished. */
  stop(): Promise<void>;
}

export interface CheckpointerOptions {
  /** How often the thread checkpoints what the log has gained (a checkpoint of an empty log costs nothing). */
  intervalMs?: number;
}

// Plain JavaScript, evaluated as the worker's script: the thread needs only the driver, not the TypeScript
// loader. A failed checkpoint (say, the database is busy being closed) is simply tried again next time.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
const checkpoint = db.prepare('pragma wal_checkpoint(PASSIVE)');
const timer = setInterval(() => {
  try {
    checkpoint.get();
  } catch {}
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * Starts the thread. Should it fail (say, it cannot open the database), `onFailure` is called, so the writer
 * can take its checkpoints back.
 */
export function startBackgroundCheckpoints(
  path: string,
  options: CheckpointerOptions,
  onFailure: (error: Error) => void,
): BackgroundCheckpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { path, driver: driverPath, intervalMs: options.intervalMs ?? 100 },
  });
  worker.on('error', onFailure);
  // The thread never keeps the process alive; stop() ends it on a clean close.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      // Held until it has ended: with nothing else left to do, the process would otherwise exit first.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
