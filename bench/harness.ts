import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN =
  process.env.RXCHAT_BIN ?? fileURLToPath(new URL('../dist/bin/rxchat.js', import.meta.url));

/** A node under measurement: its --json events, counted as they arrive. */
export interface BenchNode {
  readonly child: ChildProcessWithoutNullStreams;
  readonly id: string;
  readonly port: number;
  readonly address: string;
  readonly readyAt: number;
  /** Ids currently linked (join not followed by leave), kept from the start. */
  readonly linked: Set<string>;
  /** Ids shown as lost, kept from the start. */
  readonly lost: Set<string>;
  /** Called for every event line, with the arrival time. */
  onEvent(listener: (event: Record<string, unknown>, at: number) => void): void;
  stop(): void;
}

const live = new Set<ChildProcessWithoutNullStreams>();

export function stopAll(): void {
  for (const child of live) {
    child.kill('SIGCONT');
    child.kill('SIGKILL');
  }
  live.clear();
}

export function startBenchNode(
  name: string,
  peers: readonly string[],
  extra: readonly string[] = [],
  bin = BIN,
  env: Record<string, string> = {},
): Promise<BenchNode> {
  const child = spawn(
    process.execPath,
    [bin, '0', name, ...peers, '--host', '127.0.0.1', '--json', ...extra],
    {
      env: { ...process.env, NO_COLOR: '1', ...env },
    },
  );
  live.add(child);
  const listeners: ((event: Record<string, unknown>, at: number) => void)[] = [];
  let partial = '';
  const linked = new Set<string>();
  const lost = new Set<string>();
  child.stderr.resume();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start`)), 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      const at = performance.now();
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const event = JSON.parse(line) as Record<string, unknown>;
        if (event.event === 'join') linked.add(String(event.id));
        if (event.event === 'leave') {
          linked.delete(String(event.id));
          if (event.reason === 'lost') lost.add(String(event.id));
        }
        if (event.event === 'ready') {
          clearTimeout(timer);
          const port = Number(event.port);
          resolve({
            child,
            id: String(event.id),
            port,
            address: `127.0.0.1:${port}`,
            readyAt: at,
            linked,
            lost,
            onEvent: (listener) => listeners.push(listener),
            stop: () => child.kill('SIGKILL'),
          });
        }
        for (const listener of listeners) listener(event, at);
      }
    });
  });
}

/** Resolves when `check` is true, polled on every event of the given nodes; rejects after `timeoutMs`. */
export function until(
  nodes: readonly BenchNode[],
  check: () => boolean,
  what: string,
  timeoutMs: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      reject(new Error(`timed out: ${what}`));
    }, timeoutMs);
    const test = (): void => {
      if (!done && check()) {
        done = true;
        clearTimeout(timer);
        resolve(performance.now());
      }
    };
    for (const node of nodes) node.onEvent(test);
    test();
  });
}

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function summarise(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] ?? 0)
      : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0 };
}

export function fmt(summary: Summary, digits = 0, unit = ''): string {
  const f = (n: number): string =>
    n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  return `${f(summary.median)}${unit} (${f(summary.min)}–${f(summary.max)})`;
}
