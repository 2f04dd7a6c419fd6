import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { MemoryNode } from '../helpers/memory-net.js';
import { MemoryRoom, memberConfig } from '../helpers/memory-net.js';
import { withoutRealIo } from '../helpers/no-real-io.js';

/**
 * A joiner is caught up by one member, not by all: in a mesh of 8 with 200
 * lines of history, a newcomer reads at most 1.5× the history, and shows
 * every line once.
 */

const ids = Array.from({ length: 8 }, (_, i) => `${(i + 1).toString(16)}0`.padEnd(16, '0'));
const JOINER = 'f000000000000000';

describe('a joiner of an 8-member mesh, in memory with the fake drivers', () => {
  it('reads at most 1.5× the history, and shows each line of it once', () => {
    const ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const room = withoutRealIo(() =>
      ts.run(() => {
        ts.maxFrames = 60_000;
        const net = new MemoryRoom(ts);
        const members = net.startMesh(ids);
        const first = members[0] as MemoryNode;
        // 25 lines each once the mesh formed: 200 lines of history.
        for (const [i, member] of members.entries())
          for (let k = 0; k < 25; k++)
            ts.schedule(() => member.type(`m${i} line ${k}`), 500 + k * 20 + i);
        let joiner: MemoryNode | undefined;
        ts.schedule(() => {
          joiner = net.start('joiner', memberConfig(JOINER, 'joiner', [first.address]));
        }, 3000);
        ts.schedule(() => {
          for (const node of [...members, joiner]) node?.endInput();
        }, 9000);
        ts.flush();
        return { members, joiner };
      }),
    );
    const joiner = room.joiner;
    if (joiner === undefined) throw new Error('no joiner');
    const shown = joiner.events.flatMap((e) => (e.event === 'message' ? [e.text] : []));
    expect(shown).toHaveLength(200);
    expect(new Set(shown).size).toBe(200);
    const joins = joiner.events.filter((e) => e.event === 'join');
    expect(joins).toHaveLength(8);
    expect(joiner.chatIn).toBeLessThanOrEqual(300);
  });
});
