// What ends an exchange early: its deadline, or the caller's signal. One per `fetch`; the hop in flight
// (an exchange has one at a time) is told to give up. An AbortController per request, and AbortSignal.any
// over the caller's signal, cost several times more CPU than this timer and one method call.
import type { HopStop, StoppableHop } from './transport.ts';

export type StopCause = 'timeout' | 'aborted';

export class ExchangeStop implements HopStop {
  /** Why the exchange was stopped; null while it may go on. */
  cause: StopCause | null = null;
  #hop: StoppableHop | null = null;
  readonly #timer: NodeJS.Timeout;
  readonly #callerSignal: AbortSignal | undefined;
  readonly #onCallerAbort: (() => void) | undefined;

  constructor(timeoutMs: number, callerSignal: AbortSignal | undefined) {
    this.#timer = setTimeout(stopOnTimeout, timeoutMs, this);
    this.#callerSignal = callerSignal;
    if (callerSignal) {
      this.#onCallerAbort = () => this.stop('aborted');
      callerSignal.addEventListener('abort', this.#onCallerAbort, { once: true });
    }
  }

  watch(hop: StoppableHop): void {
    this.#hop = hop;
  }

  stop(cause: StopCause): void {
    if (this.cause) return;
    this.cause = cause;
    this.#hop?.stop(new Error(cause === 'timeout' ? 'the deadline passed' : 'aborted by the caller'));
  }

  /** Once the exchange has ended, one way or another. */
  dispose(): void {
    this.#hop = null;
    clearTimeout(this.#timer);
    if (this.#onCallerAbort) this.#callerSignal?.removeEventListener('abort', this.#onCallerAbort);
  }
}

function stopOnTimeout(stop: ExchangeStop): void {
  stop.stop('timeout');
}
