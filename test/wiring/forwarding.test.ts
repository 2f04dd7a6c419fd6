import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { MemoryNode } from '../helpers/memory-net.js';
import { MemoryRoom, memberConfig } from '../helpers/memory-net.js';
import { withoutRealIo } from '../helpers/no-real-io.js';

/**
 * Forwarding only where needed: a `--no-mesh` member linked with one node of
 * a 6-member mesh says a line, and each other member reads it once.
 */

const ids = Array.from({ length: 6 }, (_, i) => `${(i + 1).toString(16)}0`.padEnd(16, '0'));
const LONER = 'f000000000000000';

describe('forwarding, in memory with the fake drivers', () => {
  it('a --no-mesh member’s line is read once by each member of the mesh it is not linked with', () => {
    const ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const room = withoutRealIo(() =>
      ts.run(() => {
        ts.maxFrames = 60_000;
        const net = new MemoryRoom(ts);
        const members = net.startMesh(ids);
        const first = members[0] as MemoryNode;
        const loner = net.start(
          'loner',
          memberConfig(LONER, 'loner', [first.address], { mesh: false }),
        );
        const before = new Map<MemoryNode, number>();
        ts.schedule(() => {
          for (const member of members) before.set(member, member.chatIn);
          loner.type('hello from the edge');
        }, 2000);
        ts.schedule(() => {
          for (const node of [...members, loner]) node.endInput();
        }, 4000);
        ts.flush();
        return { members, before };
      }),
    );
    for (const member of room.members) {
      const shown = member.events.filter(
        (e) => e.event === 'message' && e.text === 'hello from the edge',
      );
      expect(shown, member.name).toHaveLength(1);
      // Read once: from the loner (m0) or from m0 (the others), never from each forwarder.
      expect(member.chatIn - (room.before.get(member) ?? 0), member.name).toBe(1);
    }
  });
});
