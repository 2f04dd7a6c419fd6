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

/** The loner, linked with the first `hosts` members of the mesh, says a line: what each read. */
function lonerSays(hosts: number) {
  const ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  return withoutRealIo(() =>
    ts.run(() => {
      ts.maxFrames = 60_000;
      const net = new MemoryRoom(ts);
      const members = net.startMesh(ids);
      const named = members.slice(0, hosts).map((member) => member.address);
      const loner = net.start('loner', memberConfig(LONER, 'loner', named, { mesh: false }));
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
}

const shownOnce = (member: MemoryNode) =>
  expect(
    member.events.filter((e) => e.event === 'message' && e.text === 'hello from the edge'),
    member.name,
  ).toHaveLength(1);

describe('forwarding, in memory with the fake drivers', () => {
  it('a --no-mesh member’s line is read once by each member of the mesh it is not linked with', () => {
    const room = lonerSays(1);
    for (const member of room.members) {
      shownOnce(member);
      // Read once: from the loner (m0) or from m0 (the others), never from each forwarder.
      expect(member.chatIn - (room.before.get(member) ?? 0), member.name).toBe(1);
    }
  });

  it('linked with two members of the mesh: each other member reads its line at most twice', () => {
    const room = lonerSays(2);
    for (const member of room.members) {
      shownOnce(member);
      expect(member.chatIn - (room.before.get(member) ?? 0), member.name).toBeLessThanOrEqual(2);
    }
  });
});
