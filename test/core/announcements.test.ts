import { describe, expect, it } from 'vitest';
import type { NodeEvent } from '../../src/core/event.js';
import { MAX_HEARD_ONLY } from '../../src/core/heard-of.js';
import { step } from '../../src/core/step.js';
import type { MemberInfo } from '../../src/protocol/frames.js';
import {
  fold,
  frameEvent,
  HIGHER,
  hello,
  joined,
  kinds,
  linkUp,
  memberEntry,
  testConfig,
} from '../helpers/core-fixtures.js';

/**
 * Signed announcements: a member is what it says of itself, signed with the
 * key whose hash is its id. A relay passes it on unchanged; one that invents
 * or alters a member is not believed.
 */

const BOB = 'bb00000000000000';
const CAROL = 'cc00000000000000';
const gossip = (...members: MemberInfo[]): NodeEvent =>
  frameEvent(1, { type: 'members', members }, 1);

describe('announcements in gossip', () => {
  it('a member as its own key announced it is taken, and passed on unchanged', () => {
    const carol = memberEntry(CAROL, 'carol', '127.0.0.1:9300', { mesh: false });
    const { state } = fold([...joined(1, BOB, 'bob'), gossip(carol)]);
    expect(state.members.get(CAROL)).toMatchObject({ state: 'known', name: 'carol' });
    // A new link is told of the linked members: bob, exactly as his hello announced him.
    const after = fold([...joined(1, BOB, 'bob'), ...joined(2, HIGHER, 'dave')]);
    const told = after.effects.flatMap((e) =>
      e.kind === 'send' && e.frame.type === 'members' && e.links.includes(2) ? e.frame.members : [],
    );
    const { type: _type, v: _v, nonce: _nonce, ...bobAnnounced } = hello(BOB, 'bob', 9101);
    expect(told).toEqual([{ ...bobAnnounced, address: '127.0.0.1:9101' }]);
  });

  it('an invented member (signed by another key), or one altered in transit, is ignored with one warning', () => {
    const invented = { ...memberEntry(CAROL, 'carol', '127.0.0.1:9300'), key: `key-${BOB}` };
    const renamed = { ...memberEntry('cd00000000000000', 'dan', '127.0.0.1:9301'), name: 'bob' };
    const unmeshed = { ...memberEntry('ce00000000000000', 'eve', '127.0.0.1:9302'), mesh: false };
    const result = fold([...joined(1, BOB, 'bob'), gossip(invented, renamed, unmeshed)]);
    expect(result.state.members.size).toBe(1);
    const warned = result.effects.flatMap((e) => (e.kind === 'warn' ? [e.warning] : []));
    expect(warned).toEqual([expect.objectContaining({ code: 'forgedMembers', count: 3 })]);
  });

  it('a member this node holds, its signature kept but a field changed, is not believed', () => {
    const carol = memberEntry(CAROL, 'carol', '127.0.0.1:9300', { mesh: false });
    const result = fold([
      ...joined(1, BOB, 'bob'),
      gossip(carol),
      gossip({ ...carol, name: 'bob' }),
    ]);
    expect(result.state.members.get(CAROL)?.name).toBe('carol');
    const warned = result.effects.flatMap((e) => (e.kind === 'warn' ? [e.warning.code] : []));
    expect(warned).toEqual(['forgedMembers']);
  });

  it('an address that is not at the announced port (nor the advertised one) is ignored', () => {
    const elsewhere = { ...memberEntry(CAROL, 'carol', '127.0.0.1:9300'), address: '10.0.0.1:22' };
    const { state } = fold([...joined(1, BOB, 'bob'), gossip(elsewhere)]);
    expect(state.members.has(CAROL)).toBe(false);
  });

  it('an older incarnation does not replace a newer one', () => {
    const newer = memberEntry(CAROL, 'carol', '127.0.0.1:9300', {
      inc: '2',
      time: '2026-06-01T00:00:00.000Z',
      mesh: false,
    });
    const older = memberEntry(CAROL, 'caroline', '127.0.0.1:9301', {
      inc: '1',
      time: '2026-01-01T00:00:00.000Z',
      mesh: false,
    });
    const { state } = fold([...joined(1, BOB, 'bob'), gossip(newer), gossip(older)]);
    expect(state.members.get(CAROL)?.ann?.inc).toBe('2');
    expect(state.members.get(CAROL)?.name).toBe('carol');
  });
});

describe('announcements in hello', () => {
  it('a hello whose announcement is not signed by its key is refused, with a bye-less close', () => {
    const forged = hello(BOB, 'bob', 9100, { sig: 'forged' });
    const result = fold([linkUp(1), frameEvent(1, forged)]);
    expect(kinds(result.effects)).toEqual(['send:hello', 'warn', 'close']);
    const warned = result.effects.flatMap((e) => (e.kind === 'warn' ? [e.warning.code] : []));
    expect(warned).toEqual(['badAnnouncement']);
    expect(result.state.links.size).toBe(0);
  });

  it('a hello with a field changed after it was signed is refused', () => {
    const signed = hello(BOB, 'bob', 9100);
    const result = fold([linkUp(1), frameEvent(1, { ...signed, mesh: false })]);
    const warned = result.effects.flatMap((e) => (e.kind === 'warn' ? [e.warning.code] : []));
    expect(warned).toEqual(['badAnnouncement']);
  });
});

describe('gossip to a new link', () => {
  it('a hub of 130 members tells a newcomer of them in frames of at most 128', () => {
    const hub = Array.from({ length: 130 }, (_, i) =>
      joined(10 + i, `c${i.toString(16).padStart(15, '0')}`, `m${i}`),
    ).flat();
    const { effects } = fold([...hub, ...joined(1, BOB, 'bob')], testConfig({ maxLinks: 200 }));
    const told = effects.flatMap((e) =>
      e.kind === 'send' && e.frame.type === 'members' && e.links.length === 1 && e.links[0] === 1
        ? [e.frame.members.length]
        : [],
    );
    expect(told).toEqual([128, 2]);
  });
});

describe('members only heard of, made up by the thousand', () => {
  it('are kept to 512: while all are present no more are taken; those that left make room', () => {
    const fresh = (from: number) =>
      Array.from({ length: 128 }, (_, i) =>
        memberEntry(`e${(from + i).toString(16).padStart(15, '0')}`, 'x', '127.0.0.1:9', {
          mesh: false,
        }),
      );
    const frames = (from: number, count: number, at: number) =>
      Array.from({ length: count }, (_, k) =>
        frameEvent(1, { type: 'members', members: fresh(from + k * 128) }, at),
      );
    const pings = [2000, 4000, 6000, 8000].map((t) => frameEvent(1, { type: 'ping', t }, t));
    const config = testConfig();
    const first = fold([...joined(1, BOB, 'bob'), ...frames(0, 10, 1)], config).state;
    expect(first.members.size).toBe(1 + MAX_HEARD_ONLY);
    // Nobody vouched for them: 3 × --peer-timeout later they are lost, and make room.
    const later = fold(
      [...joined(1, BOB, 'bob'), ...frames(0, 10, 1), ...pings, { kind: 'tick', at: 9001 }],
      config,
    ).state;
    expect([...later.members.values()].filter((m) => m.state === 'lost')).toHaveLength(512);
    const after = fold(
      [
        ...joined(1, BOB, 'bob'),
        ...frames(0, 10, 1),
        ...pings,
        { kind: 'tick', at: 9001 },
        ...frames(100_000, 2, 9002),
      ],
      config,
    ).state;
    expect(after.members.size).toBe(1 + MAX_HEARD_ONLY);
    expect([...after.members.values()].filter((m) => m.state === 'known')).toHaveLength(256);
  });
});

describe('what one teller can do to a member it did not link', () => {
  it('cannot move it: the address first heard for an incarnation is kept', () => {
    const carol = memberEntry(CAROL, 'carol', '127.0.0.1:9300', { mesh: false });
    const moved = { ...carol, address: '10.6.6.6:9300' };
    const { state } = fold([...joined(1, BOB, 'bob'), gossip(carol), gossip(moved)]);
    expect(state.members.get(CAROL)?.address).toBe('127.0.0.1:9300');
  });

  it('keeps at most 1,024 ids of one links frame, and checks at most 128 goodbyes of one', () => {
    const many = Array.from({ length: 4096 }, (_, i) => `f${i.toString(16).padStart(15, '0')}`);
    let verified = 0;
    const config = testConfig();
    const identity = {
      ...config.identity,
      verify: (...args: Parameters<typeof config.identity.verify>) => {
        verified += 1;
        return config.identity.verify(...args);
      },
    };
    const listed = fold(
      [...joined(1, BOB, 'bob'), frameEvent(1, { type: 'links', peers: many }, 1)],
      { ...config, identity },
    ).state;
    expect(listed.members.get(BOB)?.peers?.size).toBe(1024);
    // 200 members bob listed, heard of; then bob drops them all, passing on 200 forged goodbyes.
    const ids = many.slice(0, 200);
    const heard = fold(
      [
        ...joined(1, BOB, 'bob'),
        frameEvent(1, { type: 'links', peers: ids }, 1),
        ...[0, 100].map((k) =>
          gossip(
            ...ids
              .slice(k, k + 100)
              .map((id) => memberEntry(id, 'x', '127.0.0.1:9', { mesh: false })),
          ),
        ),
      ],
      { ...config, identity },
    ).state;
    expect(heard.members.size).toBe(201);
    verified = 0;
    const quit = ids.map((id) => ({ id, inc: '1', sig: 'forged' }));
    const after = step(heard, frameEvent(1, { type: 'links', peers: [], quit }, 2)).state;
    expect(verified).toBeLessThanOrEqual(128);
    expect(verified).toBeGreaterThan(0);
    expect([...after.members.values()].filter((m) => m.state === 'quit')).toHaveLength(0);
  });
});

describe('gossip of a batch of joins', () => {
  it('is not sent to a member of what its links say it is linked with already', () => {
    const { effects } = fold([
      ...joined(1, BOB, 'bob'),
      // Bob says he is linked with carol: he needs no gossip of her.
      frameEvent(1, { type: 'links', peers: [CAROL] }),
      ...joined(2, CAROL, 'carol'),
      { kind: 'tick', at: 60 },
    ]);
    const toBob = effects.filter(
      (e) => e.kind === 'send' && e.frame.type === 'members' && e.links.includes(1),
    );
    expect(toBob).toEqual([]);
  });
});
