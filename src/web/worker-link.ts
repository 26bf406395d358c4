/**
 * The page's end of the worker: starts the training worker (an ES module Worker, bundled by vite),
 * sends requests, and tracks how long the oldest unanswered request has waited, so the page can say
 * "busy" and Reset can replace a worker stuck in a long iteration instead of waiting for it.
 */
import type { FromWorker, ToWorker } from './protocol.ts';

/** Requests that get exactly one answer (a reply or an error). */
const ANSWERED: ReadonlySet<ToWorker['type']> = new Set(['catalog', 'configure', 'idle', 'iterate', 'frames', 'save', 'load', 'network', 'board-new']);

export class WorkerLink {
  /** Receives every message of the current worker. */
  onMessage: (msg: FromWorker) => void = () => {};
  /** Called when the worker fails to load or throws outside a request. */
  onError: (text: string) => void = () => {};
  private worker: Worker;
  private outstanding = 0;
  private since = 0;

  constructor() {
    this.worker = this.spawn();
  }

  send(msg: ToWorker, transfer: Transferable[] = []): void {
    if (ANSWERED.has(msg.type)) {
      if (this.outstanding === 0) this.since = performance.now();
      this.outstanding++;
    }
    this.worker.postMessage(msg, transfer);
  }

  /** Seconds the worker has been working on the oldest unanswered request (0 when idle). */
  busySeconds(): number {
    return this.outstanding > 0 ? (performance.now() - this.since) / 1000 : 0;
  }

  /**
   * Replaces the worker when it has been busy for `minSeconds` (an off-policy agent's iteration can
   * run for many seconds): its run is lost, and the page gets an answer at once. Returns whether it did.
   */
  restartIfBusy(minSeconds: number): boolean {
    if (this.busySeconds() < minSeconds) return false;
    this.worker.terminate();
    this.outstanding = 0;
    this.worker = this.spawn();
    return true;
  }

  private spawn(): Worker {
    const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    w.addEventListener('message', (ev: MessageEvent<FromWorker>) => {
      if (w !== this.worker) return;
      this.outstanding = Math.max(0, this.outstanding - 1);
      this.since = performance.now();
      this.onMessage(ev.data);
    });
    w.addEventListener('error', (ev) => this.onError(`The training worker failed: ${ev.message || 'see the browser console'}`));
    return w;
  }
}
