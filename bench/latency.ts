import type { BenchNode, Build } from './harness.js';
import { rxchat, startBenchNode, stopAll, until } from './harness.js';

export interface LatencyResult {
  /** Receive minus send, in ms, at the given percentiles. */
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

/** The value below which `fraction` of the sorted samples fall (nearest rank). */
export function percentile(sorted: readonly number[], fraction: number): number {
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/**
 * W2: three members; one line every `everyMs` to one member's stdin, each
 * carrying its send time; receive minus send at another member.
 */
export async function latency(
  lines: number,
  everyMs: number,
  build: Build = rxchat,
): Promise<LatencyResult> {
  const sender = await startBenchNode('sender', [], build);
  const r0 = await startBenchNode('r0', [sender.address], build);
  const r1 = await startBenchNode('r1', [sender.address, r0.address], build);
  const all = [sender, r0, r1];
  await until(all, () => all.every((n) => n.linked.size >= 2), 'mesh of 3', 15_000);
  const delays: number[] = [];
  r0.onEvent((e, at) => {
    if (e.event !== 'message') return;
    const sent = Number(String(e.text).split(' ')[2]);
    delays.push(at - sent);
  });
  const started = performance.now();
  for (let i = 0; i < lines; i++) {
    // Paced against the start, so a late timer does not push every later line back.
    const due = started + i * everyMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    sender.child.stdin.write(`latency ${i} ${performance.now().toFixed(3)}\n`);
  }
  await until([r0] as BenchNode[], () => delays.length >= lines, `${lines} timed lines`, 30_000);
  stopAll();
  const sorted = [...delays].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
  };
}
