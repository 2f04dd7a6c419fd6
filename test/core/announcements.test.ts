import { describe, expect, it } from 'vitest';
import type { NodeEvent } from '../../src/core/event.js';
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
