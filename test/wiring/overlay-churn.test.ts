import { describe, expect, it } from 'vitest';
import { boundedRoom, FIRST_ADDRESS } from '../helpers/bounded-room.js';
import type { MemoryNode } from '../helpers/memory-net.js';
import { memberConfig } from '../helpers/memory-net.js';

/**
 * What keeps a large room cheap to form, in memory with the fake drivers:
 * a joiner dials only the links it keeps, and a new link between members
 * already present carries no membership.
 */

const PEER_TIMEOUT_MS = 3000;

describe('the overlay of a large room, in memory with the fake drivers', () => {
  it('a joiner told of a room above the full-mesh size dials only the links it keeps', () => {
    // 26 members with the default: a full mesh up to 24, then ⌈log₂ N⌉ + 2 = 7 links at 27.
    // The joiner's id is the smallest, so in a full mesh it would dial every member.
    const joinAt = 6000;
    let joiner: MemoryNode | undefined;
    const { crossings } = boundedRoom(26, undefined, ({ ts, net, members }) => {
      ts.schedule(() => {
        joiner = net.start('j', memberConfig('0000000000000001', 'j', [FIRST_ADDRESS]));
      }, joinAt);
      ts.schedule(() => {
        for (const member of [...members, joiner]) member?.endInput();
      }, joinAt + 1500);
    });
    const dialled = new Set(
      crossings
        .filter((c) => c.from === 'j' && c.frame.type === 'hello' && c.at < joinAt + 1000)
        .map((c) => c.to),
    );
    expect(dialled.size).toBeGreaterThanOrEqual(7);
    expect(dialled.size).toBeLessThanOrEqual(8);
  });

  it('a new link between two members present carries no membership: they had it by the flood', () => {
    const crashAt = 6000;
    const { crossings } = boundedRoom(12, 3, ({ ts, members }) => {
      ts.schedule(() => members[5]?.crash(), crashAt);
      ts.schedule(
        () => {
          for (const member of members) member.endInput();
        },
        crashAt + PEER_TIMEOUT_MS + 2000,
      );
    });
    const after = crossings.filter((c) => c.at > crashAt);
    // The crash made links anew (the refill), and none told of members.
    expect(after.filter((c) => c.frame.type === 'hello').length).toBeGreaterThan(0);
    expect(after.filter((c) => c.frame.type === 'members')).toEqual([]);
  });
});
