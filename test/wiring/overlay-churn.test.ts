import { describe, expect, it } from 'vitest';
import { boundedRoom, FIRST_ADDRESS, linkedNames } from '../helpers/bounded-room.js';
import type { MemoryNode } from '../helpers/memory-net.js';
import { memberConfig } from '../helpers/memory-net.js';

/**
 * What keeps a large room cheap to form, in memory with the fake drivers:
 * a joiner dials only the links it keeps, a new link between members
 * already present carries no membership, and one cut off is told it again.
 */

const PEER_TIMEOUT_MS = 3000;

/** The members a node shows present: joined and not left since. */
function presentShown(node: MemoryNode): Set<string> {
  const shown = new Set<string>();
  for (const event of node.events)
    if (event.event === 'join') shown.add(event.user);
    else if (event.event === 'leave') shown.delete(event.user);
  return shown;
}

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
    const { members, crossings } = boundedRoom(12, 3, ({ ts, members }) => {
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
    // And nobody misses anyone: each shows the 10 others still here, and the crashed one lost.
    for (const member of members.filter((_, i) => i !== 5)) {
      expect(presentShown(member).size, member.name).toBe(10);
      expect(presentShown(member).has('m5'), member.name).toBe(false);
    }
  });

  it('a node cut off from every link is told the room again when it links anew', () => {
    const cutAt = 6000;
    let joiner: MemoryNode | undefined;
    let cut: MemoryNode | undefined;
    let relinked = 0;
    const { members } = boundedRoom(12, 3, ({ ts, net, members }) => {
      ts.schedule(() => {
        relinked = cut === undefined ? 0 : linkedNames(cut).length;
      }, cutAt + 3000);
      ts.schedule(() => {
        cut = members[5];
        for (const end of [...(cut?.ends.values() ?? [])]) {
          const peer = end.peer;
          for (const side of peer === undefined ? [end] : [end, peer]) {
            side.open = false;
            side.node.ends.delete(side.link);
            side.node.emit({ kind: 'linkDown', at: ts.now(), link: side.link, reason: 'reset' });
          }
        }
      }, cutAt);
      // Someone joins while it is cut off: the news of it floods the room without it.
      ts.schedule(() => {
        joiner = net.start(
          'j',
          memberConfig('f000000000000000', 'j', [FIRST_ADDRESS], { links: 3 }),
        );
      }, cutAt + 1);
      ts.schedule(
        () => {
          for (const member of [...members, joiner]) member?.endInput();
        },
        cutAt + PEER_TIMEOUT_MS + 2000,
      );
    });
    expect(cut).toBeDefined();
    expect(relinked).toBeGreaterThan(0);
    for (const member of members) expect(presentShown(member).has('j'), member.name).toBe(true);
  });
});
