import type { BenchNode } from './harness.js';
import { startBenchNode, stopAll, until } from './harness.js';

/** One of three members writes `lines` numbered lines; time until both others showed all, in order. */
export async function fanOut(lines: number): Promise<{ ms: number; perSecond: number }> {
  const a = await startBenchNode('sender', []);
  const b = await startBenchNode('r1', [a.address]);
  const c = await startBenchNode('r2', [a.address, b.address]);
  await until([a, b, c], () => [a, b, c].every((n) => n.linked.size >= 2), 'mesh of 3', 15_000);
  const received = new Map<BenchNode, number>([
    [b, 0],
    [c, 0],
  ]);
  const problems: string[] = [];
  for (const node of [b, c]) {
    node.onEvent((e) => {
      if (e.event !== 'message') return;
      const count = received.get(node) ?? 0;
      const expected = `line ${String(count).padStart(6, '0')} ${'x'.repeat(45)}`;
      if (e.text !== expected && problems.length < 5)
        problems.push(`got "${String(e.text).slice(0, 20)}", expected line ${count}`);
      received.set(node, count + 1);
    });
  }
  const payload = Array.from(
    { length: lines },
    (_, i) => `line ${String(i).padStart(6, '0')} ${'x'.repeat(45)}\n`,
  ).join('');
  const started = performance.now();
  a.child.stdin.write(payload);
  const ended = await until(
    [b, c],
    () => (received.get(b) ?? 0) >= lines && (received.get(c) ?? 0) >= lines,
    `${lines} lines`,
    120_000,
  );
  stopAll();
  if (problems.length > 0)
    throw new Error(`fan-out lost or reordered lines: ${problems.join('; ')}`);
  const ms = ended - started;
  return { ms, perSecond: lines / (ms / 1000) };
}

/** `count` nodes each given the first one's address: ms from the last ready until all are linked. */
export async function meshFormation(count: number): Promise<number> {
  const first = await startBenchNode('n0', []);
  const nodes = [first];
  const started = await Promise.all(
    Array.from({ length: count - 1 }, (_, i) => startBenchNode(`n${i + 1}`, [first.address])),
  );
  nodes.push(...started);
  const lastReady = Math.max(...nodes.map((n) => n.readyAt));
  const done = await until(
    nodes,
    () => nodes.every((n) => n.linked.size >= count - 1),
    `mesh of ${count}`,
    60_000,
  );
  stopAll();
  return Math.max(0, done - lastReady);
}

/** Three members; one is killed or frozen: ms until both others show it lost. */
export async function timeToLost(signal: 'SIGKILL' | 'SIGSTOP'): Promise<number> {
  const a = await startBenchNode('a', []);
  const b = await startBenchNode('b', [a.address]);
  const c = await startBenchNode('c', [a.address, b.address]);
  await until([a, b, c], () => [a, b, c].every((n) => n.linked.size >= 2), 'mesh of 3', 15_000);
  const started = performance.now();
  c.child.kill(signal);
  const ended = await until(
    [a, b],
    () => a.lost.has(c.id) && b.lost.has(c.id),
    `lost after ${signal}`,
    30_000,
  );
  stopAll();
  return ended - started;
}
