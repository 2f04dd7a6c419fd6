import type { BenchNode } from './harness.js';
import { cpuMsOf, until } from './harness.js';

/** The scale benchmark's view of a room's links, as the harness sees them in `join` and `leave` events. */

export const allLinked = (nodes: readonly BenchNode[]) => (): boolean =>
  nodes.every((n) => n.linked.size >= nodes.length - 1);

/** Every member reaches every other over the links up (one component). */
export const connected = (nodes: readonly BenchNode[]) => (): boolean => {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const reached = new Set<string>([nodes[0]?.id ?? '']);
  const queue = [nodes[0]];
  for (let node = queue.shift(); node !== undefined; node = queue.shift())
    for (const id of node.linked)
      if (!reached.has(id) && byId.has(id)) {
        reached.add(id);
        queue.push(byId.get(id));
      }
  return reached.size === nodes.length;
};

export const roomCpuMs = (nodes: readonly BenchNode[]): number =>
  nodes.reduce((sum, n) => sum + cpuMsOf(n.child.pid), 0);

export const linksUp = (nodes: readonly BenchNode[]): number =>
  nodes.reduce((sum, n) => sum + n.linked.size, 0) / 2;

/** ms from `since` until `check` holds, or undefined if it does not within `timeoutMs`. */
export async function within(
  nodes: readonly BenchNode[],
  check: () => boolean,
  what: string,
  since: number,
  timeoutMs: number,
): Promise<number | undefined> {
  try {
    return Math.max(0, (await until(nodes, check, what, timeoutMs)) - since);
  } catch {
    return undefined;
  }
}
