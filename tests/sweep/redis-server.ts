/**
 * Helpers for the tests that run sweeps on a real redis-server (Debian's package; .ci/run installs it):
 * a free localhost port, a server started there with its files in a temporary folder, `dojo worker`
 * processes in their own process groups, and waits on output and exits (never on a duration).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

export const DOJO = fileURLToPath(new URL('../../bin/dojo.js', import.meta.url));
export const REDIS_SERVER = '/usr/bin/redis-server';

/** A localhost port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once `child` has printed a line matching `re` on stdout. */
export function waitFor(child: ChildProcess, re: RegExp, what: string, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; output so far: ${text}`)), timeoutMs);
    child.stdout?.on('data', (b: Buffer) => {
      text += b.toString();
      if (re.test(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

/** The exit code of `child` once it has ended (null after a signal). */
export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

/**
 * Starts a redis-server listening on a free localhost port (or, with `tls`, a TLS port with the plain
 * port off) with its files in `dir`; returns it and its port.
 */
export async function startRedis(dir: string, opts: { extra?: string[]; tls?: { cert: string; key: string; ca: string } } = {}): Promise<{ server: ChildProcess; port: number }> {
  if (!fs.existsSync(REDIS_SERVER)) throw new Error(`this test needs Debian's redis-server at ${REDIS_SERVER} (apt-get install -y redis-server; .ci/run installs it)`);
  const port = await freePort();
  const listen = opts.tls === undefined ? ['--port', String(port)] : ['--port', '0', '--tls-port', String(port), '--tls-cert-file', opts.tls.cert, '--tls-key-file', opts.tls.key, '--tls-ca-cert-file', opts.tls.ca, '--tls-auth-clients', 'no'];
  const server = spawn(REDIS_SERVER, [...listen, '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...(opts.extra ?? [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitFor(server, /Ready to accept connections/, 'redis-server to start');
  return { server, port };
}

/** A `dojo worker` child with the lines it printed so far. */
export type WorkerProcess = ChildProcess & { log: string[] };

/** Starts `dojo worker <args>` under nice in its own process group (so a test can take it and its training children down together). */
export function startWorker(args: readonly string[]): WorkerProcess {
  const w = spawn('nice', ['-n', '19', process.execPath, DOJO, 'worker', ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] }) as WorkerProcess;
  w.log = [];
  w.stdout?.on('data', (b: Buffer) => w.log.push(...b.toString().split('\n').filter((l) => l !== '')));
  w.stderr?.on('data', (b: Buffer) => w.log.push(...b.toString().split('\n').filter((l) => l !== '')));
  return w;
}

/** Stops a worker and everything in its process group with SIGKILL, if it still runs. */
export async function killGroup(w: ChildProcess): Promise<void> {
  if (w.exitCode !== null || w.signalCode !== null || w.pid === undefined) return;
  try {
    process.kill(-w.pid, 'SIGKILL');
  } catch {
    // already gone
  }
  await exited(w);
}

/** Resolves with the first of `lines` (which grows) that matches `re`, looking every 5 ms. */
export async function lineMatching(lines: readonly string[], re: RegExp, what: string, timeoutMs = 60_000): Promise<RegExpExecArray> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    for (const l of lines) {
      const m = re.exec(l);
      if (m !== null) return m;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; lines so far: ${lines.join(' | ')}`);
}
