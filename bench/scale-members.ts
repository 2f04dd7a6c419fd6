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
  snapshot(timeoutMs: number): Promise<Tallies>;
}

export async function startMember(
  name: string,
  peers: readonly string[],
  args: readonly string[] = [],
): Promise<Member> {
  const node = await startBenchNode(name, peers, { ...counted, args: [...counted.args, ...args] });
  // Snapshots are asked one at a time per member; one that timed out is dropped from the queue.
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
    snapshot: (timeoutMs) =>
      new Promise((resolve, reject) => {
        const answer = (tallies: Tallies): void => {
          clearTimeout(timer);
          resolve(tallies);
        };
        const timer = setTimeout(() => {
          const at = waiting.indexOf(answer);
          if (at !== -1) waiting.splice(at, 1);
          reject(new Error(`timed out: ${name}'s counters`));
        }, timeoutMs);
        waiting.push(answer);
        node.child.kill('SIGUSR2');
      }),
  };
}

/** Everyone's counters, added up; rejects if one does not answer within `timeoutMs`. */
export async function roomTallies(members: readonly Member[], timeoutMs: number): Promise<Tallies> {
  const all = await Promise.all(members.map((m) => m.snapshot(timeoutMs)));
  return all.reduce<Tallies>((sum, t) => addTallies(sum, t), {});
}

export const wait = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
