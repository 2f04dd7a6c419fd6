import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchNode, Build } from './harness.js';
import { rxchat, startBenchNode } from './harness.js';
import type { Tallies } from './scale-tally.js';
import { addTallies, COUNTERS_PREFIX } from './scale-tally.js';

/** The scale benchmark's members: rxchat processes with the counters loaded into them. */

const COUNTERS = fileURLToPath(new URL('./scale-counters.js', import.meta.url));

/** rxchat with the counters loaded into it. */
const counted: Build = {
  ...rxchat,
  env: { NODE_OPTIONS: `--import=${pathToFileURL(COUNTERS).href}` },
};

/** A member and its counters: `snapshot()` asks for them (SIGUSR2) and resolves with the answer. */
export interface Member {
  readonly node: BenchNode;
  snapshot(): Promise<Tallies>;
}

export async function startMember(name: string, peers: readonly string[]): Promise<Member> {
  const node = await startBenchNode(name, peers, counted);
  const waiting: ((tallies: Tallies) => void)[] = [];
  let partial = '';
  node.child.stderr.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines)
      if (line.startsWith(COUNTERS_PREFIX))
        waiting.shift()?.(JSON.parse(line.slice(COUNTERS_PREFIX.length)) as Tallies);
  });
  return {
    node,
    snapshot: () =>
      new Promise((resolve) => {
        waiting.push(resolve);
        node.child.kill('SIGUSR2');
      }),
  };
}

/** Everyone's counters, added up; rejects if one does not answer within `timeoutMs`. */
export async function roomTallies(members: readonly Member[], timeoutMs: number): Promise<Tallies> {
  const answers = Promise.all(members.map((m) => m.snapshot()));
  const all = await bounded(answers, timeoutMs, 'counters');
  return all.reduce<Tallies>((sum, t) => addTallies(sum, t), {});
}

export function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const wait = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** `q` quantile of sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}
