import type { BenchNode, Build } from './harness.js';
import { rxchat, startBenchNode, stopAll, until } from './harness.js';
import { openProbe } from './probe.js';

/** A numbered line of ~60 bytes, as W1 writes them. */
export const benchLine = (i: number): string =>
  `line ${String(i).padStart(6, '0')} ${'x'.repeat(45)}`;

/** Whether a node has shown a message of this text (from now on). */
function heardCounter(nodes: readonly BenchNode[]): (node: BenchNode, text: string) => boolean {
  const heard = new Map<BenchNode, Set<string>>(nodes.map((n) => [n, new Set()]));
  for (const node of nodes)
    node.onEvent((e) => {
      if (e.event === 'message') heard.get(node)?.add(String(e.text));
    });
  return (node, text) => heard.get(node)?.has(text) === true;
}

/**
 * A fresh full mesh of `size` members of `build`, each given the first one's address,
 * where every member has spoken one line and every other member showed it.
 */
export async function spokenRoom(size: number, build: Build = rxchat): Promise<BenchNode[]> {
  const first = await startBenchNode('n0', [], build);
  const rest = await Promise.all(
    Array.from({ length: size - 1 }, (_, i) => startBenchNode(`n${i + 1}`, [first.address], build)),
  );
  const nodes = [first, ...rest];
  await until(
    nodes,
    () => nodes.every((n) => n.linked.size >= size - 1),
    `mesh of ${size}`,
    60_000,
  );
  const heard = heardCounter(nodes);
  const said = nodes.map((node, i) => `hello from ${i} ${node.id}`);
  for (const [i, node] of nodes.entries()) node.child.stdin.write(`${said[i]}\n`);
  await until(
    nodes,
    () => nodes.every((n, i) => said.every((text, j) => i === j || heard(n, text))),
    'everyone spoke',
    60_000,
  );
  return nodes;
}

/**
 * Restarts `nodes[victim]` `restarts` times: SIGKILL, then a new start on a new port
 * without `--identity` (a new id and stream each time) given the first other member's
 * address; each time until it is linked with every other member and they all showed a
 * line from it. Returns the room as it is after.
 */
export async function churn(
  nodes: readonly BenchNode[],
  victim: number,
  restarts: number,
  build: Build = rxchat,
): Promise<BenchNode[]> {
  const others = nodes.filter((_, i) => i !== victim);
  const contact = others[0];
  let current = nodes[victim];
  if (contact === undefined || current === undefined) throw new Error('churn: no such member');
  const heard = heardCounter(others);
  for (let i = 0; i < restarts; i++) {
    current.stop();
    const next = await startBenchNode(`churn${i}`, [contact.address], build);
    await until(
      [next, ...others],
      () => others.every((o) => o.linked.has(next.id) && next.linked.has(o.id)),
      `restart ${i + 1} linked with everyone`,
      30_000,
    );
    const text = `back ${i} ${next.id}`;
    next.child.stdin.write(`${text}\n`);
    await until(
      others,
      () => others.every((o) => heard(o, text)),
      `restart ${i + 1} heard`,
      30_000,
    );
    current = next;
  }
  return [...others, current];
}

/** What one member sends a newly linked member: frame sizes in bytes, newline included. */
export interface FrameSizes {
  /** The live chat frame of one ~60-byte line. */
  readonly line: number;
  /** All the frames of one burst of lines written at once to the member's stdin. */
  readonly burstBytes: number;
  readonly burstFrames: number;
  /** The `have` sent to the new member at the handshake. */
  readonly have: number;
  /** The protocol version the member spoke with the probe. */
  readonly version: number;
}

/** Links a probe with `node` and measures what it sends: the `have`, one line, then a burst. */
export async function measureFrames(node: BenchNode, burstLines: number): Promise<FrameSizes> {
  const probe = await openProbe(node);
  try {
    const one = await probe.say([benchLine(0)], 15_000);
    const burst = await probe.say(
      Array.from({ length: burstLines }, (_, i) => benchLine(i + 1)),
      60_000,
    );
    const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
    return {
      line: sum(one.bytes),
      burstBytes: sum(burst.bytes),
      burstFrames: burst.bytes.length,
      have: probe.haveBytes,
      version: probe.version,
    };
  } finally {
    probe.close();
  }
}

export interface FramesResult {
  readonly fresh: FrameSizes;
  /** After the churn, if the room had any. */
  readonly churned: FrameSizes | undefined;
}

/**
 * The frames workload for one room of `size` members of `build`: the sizes of what a member
 * sends in a fresh mesh where everyone spoke, and again after another member was restarted
 * `restarts` times (none when 0), measured from a member that stayed throughout.
 */
export async function frameSizes(
  size: number,
  burstLines: number,
  restarts: number,
  build: Build = rxchat,
): Promise<FramesResult> {
  try {
    const nodes = await spokenRoom(size, build);
    const honest = nodes[0] as BenchNode;
    const fresh = await measureFrames(honest, burstLines);
    if (restarts === 0) return { fresh, churned: undefined };
    await churn(nodes, size - 1, restarts, build);
    return { fresh, churned: await measureFrames(honest, burstLines) };
  } finally {
    stopAll();
  }
}
