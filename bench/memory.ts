import type { BenchNode, Build } from './harness.js';
import { cpuMsOf, peakRssMbOf, rxchat, startBenchNode, stopAll, until } from './harness.js';

export interface IdleResult {
  /** The highest peak RSS (VmHWM) of the three members at the end of the idle window, MB. */
  readonly peakMb: number;
  /** Each member's CPU time (user + system) over the idle window, in ms per second of it. */
  readonly cpuMsPerSecond: readonly number[];
}

/**
 * W4, idle: three linked members, nothing said for `idleMs` from `settleMs`
 * after the mesh formed. Their peak RSS, and the CPU each used in that window.
 */
export async function idleMemory(
  idleMs: number,
  build: Build = rxchat,
  settleMs = 0,
): Promise<IdleResult> {
  const a = await startBenchNode('a', [], build);
  const b = await startBenchNode('b', [a.address], build);
  const c = await startBenchNode('c', [a.address, b.address], build);
  const all = [a, b, c];
  await until(all, () => all.every((n) => n.linked.size >= 2), 'mesh of 3', 15_000);
  const cpuMsPerSecond = await idleWindow(all, idleMs, settleMs);
  const peakMb = Math.max(...all.map((n) => peakRssMbOf(n.child.pid)));
  stopAll();
  return { peakMb, cpuMsPerSecond };
}

/**
 * Each node's CPU (user + system) over `idleMs` starting `settleMs` from now,
 * in ms per second of it. Start-up work (JIT, the first pings) is over by then:
 * the window sees a steady idle node.
 */
async function idleWindow(
  nodes: readonly BenchNode[],
  idleMs: number,
  settleMs: number,
): Promise<number[]> {
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const cpuBefore = nodes.map((n) => cpuMsOf(n.child.pid));
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, idleMs));
  const cpu = nodes.map((n, i) => cpuMsOf(n.child.pid) - (cpuBefore[i] ?? 0));
  const seconds = (performance.now() - started) / 1000;
  return cpu.map((ms) => ms / seconds);
}

/**
 * W4, idle in a larger room: `size` members, each given the first one's
 * address, nothing said for `idleMs` from `settleMs` after every one linked
 * with every other. The CPU of each member over that window, in ms per second
 * and per member it is linked with.
 */
export async function idleMeshCpu(
  size: number,
  idleMs: number,
  settleMs: number,
): Promise<readonly number[]> {
  const first = await startBenchNode('m0', []);
  const all: BenchNode[] = [first];
  for (let i = 1; i < size; i++) all.push(await startBenchNode(`m${i}`, [first.address]));
  await until(all, () => all.every((n) => n.linked.size >= size - 1), `mesh of ${size}`, 60_000);
  const perSecond = await idleWindow(all, idleMs, settleMs);
  stopAll();
  return perSecond.map((ms) => ms / (size - 1));
}

export interface FloodResult {
  /** Highest peak RSS of the flooding member and the other running one, MB. */
  readonly peakMb: number;
  /** Each one's peak RSS, MB. */
  readonly flooderMb: number;
  readonly otherMb: number;
  /** Lines written to the flooding member's stdin. */
  readonly lines: number;
  /** ms from SIGSTOP until both running members showed the stopped one `lost`. */
  readonly lostAfterMs: number;
  /** ms, after the flood, for a line each way between the two running members. */
  readonly chatAfterMs: number;
}

/**
 * W4, flood: one of three members is stopped (SIGSTOP) while another floods
 * the room for `floodMs` at full speed. The running members' memory must stay
 * bounded (liveness or the slow-reader bound drops the stopped one), and they
 * must still chat afterwards.
 */
export async function floodWithStoppedMember(floodMs: number): Promise<FloodResult> {
  const a = await startBenchNode('a', []);
  const b = await startBenchNode('b', [a.address]);
  const c = await startBenchNode('c', [a.address, b.address]);
  await until([a, b, c], () => [a, b, c].every((n) => n.linked.size >= 2), 'mesh of 3', 15_000);
  const heard = new Map<BenchNode, string[]>([
    [a, []],
    [b, []],
  ]);
  for (const node of [a, b])
    node.onEvent((e) => {
      if (e.event === 'message' && String(e.text).startsWith('after '))
        heard.get(node)?.push(String(e.text));
    });
  const stoppedAt = performance.now();
  c.child.kill('SIGSTOP');
  const lost = until(
    [a, b],
    () => a.lost.has(c.id) && b.lost.has(c.id),
    'the stopped member lost',
    60_000,
  ).then((at) => at - stoppedAt);
  let lines = 0;
  const chunk = Array.from({ length: 1000 }, (_, i) => `flood ${i} ${'x'.repeat(50)}\n`).join('');
  while (performance.now() - stoppedAt < floodMs) {
    lines += 1000;
    // Full speed, as fast as the member takes its stdin.
    if (!a.child.stdin.write(chunk))
      await new Promise((resolve) => a.child.stdin.once('drain', resolve));
  }
  const lostAfterMs = await lost;
  const flooderMb = peakRssMbOf(a.child.pid);
  const otherMb = peakRssMbOf(b.child.pid);
  const chatStarted = performance.now();
  a.child.stdin.write('after a\n');
  b.child.stdin.write('after b\n');
  const chatted = await until(
    [a, b],
    () => heard.get(a)?.includes('after b') === true && heard.get(b)?.includes('after a') === true,
    'a line each way after the flood',
    60_000,
  );
  stopAll();
  return {
    peakMb: Math.max(flooderMb, otherMb),
    flooderMb,
    otherMb,
    lines,
    lostAfterMs,
    chatAfterMs: chatted - chatStarted,
  };
}
