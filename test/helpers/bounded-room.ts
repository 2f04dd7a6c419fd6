import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';
import type { Frame } from '../../src/protocol/frames.js';
import type { MemoryNode } from './memory-net.js';
import { MemoryRoom, memberConfig } from './memory-net.js';
import { withoutRealIo } from './no-real-io.js';

/** A frame as it crossed a link in a MemoryRoom: from whom, to whom, when. */
export interface Crossing {
  readonly from: string;
  readonly to: string;
  readonly at: number;
  readonly frame: Frame;
}

/** The ids of a room's members: 10…, 20…, … (16 hex digits). */
export function memberIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    (i + 1).toString(16).padStart(2, '0').padEnd(16, '0'),
  );
}

/** The first member's address in a MemoryRoom: every other member names it. */
export const FIRST_ADDRESS = '127.0.0.1:9001';

/**
 * A room of `count` members with `--links links` (undefined: the default), in memory with the fake
 * drivers, each started `gapMs` after the one before and naming the first;
 * `script` schedules the rest. Every frame that crosses a link is recorded.
 */
export function boundedRoom(
  count: number,
  links: number | undefined,
  script: (room: { ts: TestScheduler; net: MemoryRoom; members: MemoryNode[] }) => void,
  gapMs = 100,
): { members: MemoryNode[]; crossings: Crossing[] } {
  const ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const crossings: Crossing[] = [];
  const members: MemoryNode[] = [];
  withoutRealIo(() =>
    ts.run(() => {
      ts.maxFrames = 1_000_000;
      const net = new MemoryRoom(ts);
      net.tap = (from, to, frame, at) =>
        crossings.push({ from: from.name, to: to.name, at, frame });
      for (const [i, id] of memberIds(count).entries()) {
        const peers = i === 0 ? [] : [FIRST_ADDRESS];
        ts.schedule(() => {
          members.push(
            net.start(
              `m${i}`,
              memberConfig(id, `m${i}`, peers, links === undefined ? {} : { links }),
            ),
          );
        }, i * gapMs);
      }
      script({ ts, net, members });
      ts.flush();
    }),
  );
  return { members, crossings };
}

/** The names of the members a node is linked with now (its open link ends). */
export function linkedNames(node: MemoryNode): string[] {
  return [...node.ends.values()].flatMap((end) =>
    end.peer === undefined ? [] : [end.peer.node.name],
  );
}

/** Whether the links among `nodes` join them all into one piece. */
export function isConnected(nodes: readonly MemoryNode[]): boolean {
  const names = new Set(nodes.map((node) => node.name));
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const start = nodes[0];
  if (start === undefined) return true;
  const seen = new Set([start.name]);
  const queue = [start];
  for (let node = queue.pop(); node !== undefined; node = queue.pop())
    for (const peer of linkedNames(node))
      if (names.has(peer) && !seen.has(peer)) {
        seen.add(peer);
        const next = byName.get(peer);
        if (next !== undefined) queue.push(next);
      }
  return seen.size === names.size;
}

/** The texts of the messages a node showed, in order. */
export function shownTexts(node: MemoryNode): string[] {
  return node.events.flatMap((event) => (event.event === 'message' ? [event.text] : []));
}
