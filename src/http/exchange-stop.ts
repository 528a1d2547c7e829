// What ends an exchange early: its deadline, or the caller's signal. One per `fetch`, handed to every hop
// of it. It is an EventEmitter that emits 'abort' once, which undici takes as a request signal as it is:
// an AbortController per request (and AbortSignal.any over the caller's signal) cost several times more
// CPU than this, which at thousands of requests a second showed as a good part of the client's overhead.
import { EventEmitter } from 'node:events';

export type StopCause = 'timeout' | 'aborted';

export class ExchangeStop extends EventEmitter {
  /** Why the exchange was stopped; null while it may go on. */
  cause: StopCause | null = null;
  readonly #timer: NodeJS.Timeout;
  readonly #callerSignal: AbortSignal | undefined;
  readonly #onCallerAbort: (() => void) | undefined;

  constructor(timeoutMs: number, callerSignal: AbortSignal | undefined) {
    super();
    this.#timer = setTimeout(stopOnTimeout, timeoutMs, this);
    this.#callerSignal = callerSignal;
    if (callerSignal) {
      this.#onCallerAbort = () => this.stop('aborted');
      callerSignal.addEventListener('abort', this.#onCallerAbort, { once: true });
    }
  }

  stop(cause: StopCause): void {
    if (this.cause) return;
    this.cause = cause;
    this.emit('abort');
  }

  /** Once the exchange has ended, one way or another. */
  dispose(): void {
    clearTimeout(this.#timer);
    if (this.#onCallerAbort) this.#callerSignal?.removeEventListener('abort', this.#onCallerAbort);
  }
}

function stopOnTimeout(stop: ExchangeStop): void {
  stop.stop('timeout');
}
