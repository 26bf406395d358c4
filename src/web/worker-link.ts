/**
 * The page's end of its two workers (an ES module Worker each, bundled by vite):
 *
 * - the training worker, which can be replaced when it is stuck in a long iteration (Reset, a new
 *   env): its run is lost, which is why the page keeps the view worker's latest snapshot of it first;
 * - the view worker, which lives as long as the page.
 *
 * A MessageChannel joins them, so policy snapshots go from training to view without the page; a new
 * training worker gets a new channel. The link also tracks how long the training worker has been on
 * its current request or iteration, for the status line.
 */
import type { FromView, FromWorker, ToView, ToWorker } from './protocol.ts';

export class WorkerLink {
  /** Receives every message of the current training worker. */
  onMessage: (msg: FromWorker) => void = () => {};
  /** Receives every message of the view worker. */
  onView: (msg: FromView) => void = () => {};
  /** Called when a worker fails to load or throws outside a request. */
  onError: (text: string) => void = () => {};
  private worker: Worker;
  private readonly viewWorker: Worker;
  /** When the training worker last said anything (it talks at least once per iteration). */
  private lastHeard = performance.now();
  private working = false;

  constructor() {
    this.viewWorker = new Worker(new URL('./view-worker.ts', import.meta.url), { type: 'module' });
    this.viewWorker.addEventListener('message', (ev: MessageEvent<FromView>) => this.onView(ev.data));
    this.viewWorker.addEventListener('error', (ev) => this.onError(`The view worker failed: ${ev.message || 'see the browser console'}`));
    this.worker = this.spawn();
  }

  send(msg: ToWorker, transfer: Transferable[] = []): void {
    if (msg.type !== 'speed' && msg.type !== 'pause' && msg.type !== 'tune') this.working = true; // no reply to wait for
    this.worker.postMessage(msg, transfer);
  }

  view(msg: ToView, transfer: Transferable[] = []): void {
    this.viewWorker.postMessage(msg, transfer);
  }

  /** Seconds since the training worker last answered while it has work (0 when idle). */
  busySeconds(): number {
    return this.working ? (performance.now() - this.lastHeard) / 1000 : 0;
  }

  /** The training worker is idle (nothing asked, or its run stopped). */
  idle(): void {
    this.working = false;
  }

  /**
   * Replaces the training worker when it has been silent for `minSeconds` (an off-policy agent's
   * iteration can run for many seconds). Returns whether it did.
   */
  restartIfBusy(minSeconds: number): boolean {
    if (this.busySeconds() < minSeconds) return false;
    this.worker.terminate();
    this.worker = this.spawn();
    return true;
  }

  private spawn(): Worker {
    const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    w.addEventListener('message', (ev: MessageEvent<FromWorker>) => {
      if (w !== this.worker) return;
      this.lastHeard = performance.now();
      this.onMessage(ev.data);
    });
    w.addEventListener('error', (ev) => this.onError(`The training worker failed: ${ev.message || 'see the browser console'}`));
    const channel = new MessageChannel();
    w.postMessage({ type: 'connect', port: channel.port1 } satisfies ToWorker, [channel.port1]);
    this.viewWorker.postMessage({ type: 'connect', port: channel.port2 } satisfies ToView, [channel.port2]);
    this.lastHeard = performance.now();
    this.working = false;
    return w;
  }
}
