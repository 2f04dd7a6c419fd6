import { describe, expect, it } from 'vitest';
import { MAX_PARKED, MAX_PARKED_PER_LINK, PARK_MS } from '../../src/core/direct-parked.js';
import {
  MAX_PASSED_SEQUENCES,
  MAX_RECEIVED_SEQUENCES,
  takePassed,
  takeReceived,
} from '../../src/core/direct-seen.js';
import type { Effect } from '../../src/core/effect.js';
import type { NodeEvent } from '../../src/core/event.js';
import { signDirect } from '../../src/core/signing.js';
import { withDirect } from '../../src/core/state.js';
import type { DirectFrame } from '../../src/protocol/frames.js';
import {
  directFrom,
  fakeIdentity,
  fold,
  frameEvent,
  handshake,
  hello,
  joined,
  linkUp,
  memberEntry,
  SELF,
  testConfig,
} from '../helpers/core-fixtures.js';

const BOB = 'bb00000000000000';
const CAROL = 'cc00000000000000';
const DAVE = 'dd00000000000000';
const TIME = '2026-01-01T00:00:00.000Z';

const fromBob = (n: number, text = `dm ${n}`): DirectFrame =>
  directFrom(BOB, SELF, n, { name: 'bob', text, time: TIME });

const sentDirect = (effects: Effect[]): DirectFrame[] =>
  effects.flatMap((e) => (e.kind === 'send' && e.frame.type === 'dm' ? [e.frame] : []));
const shownTexts = (effects: Effect[]): string[] =>
  effects.flatMap((e) =>
    e.kind === 'emit' && e.event.event === 'message' && e.event.to !== undefined
      ? [e.event.text]
      : [],
  );
const emitted = (effects: Effect[], name: string) =>
  effects.filter((e) => e.kind === 'emit' && e.event.event === name);

/** Eve, heard of only once carol's gossip names her (at 40), and her first message. */
const EVE = 'ee00000000000000';
const fromEve = directFrom(EVE, SELF, 1, { name: 'eve', text: 'early', time: TIME });
const eveGossip = frameEvent(
  2,
  { type: 'members', members: [memberEntry(EVE, 'eve', '127.0.0.1:9300')] },
  40,
);

/** Self linked with bob (link 1) and carol (link 2). */
const room = (): NodeEvent[] => [...joined(1, BOB, 'bob'), ...joined(2, CAROL, 'carol')];

describe('direct messages: each shown once, whoever replays them', () => {
  it('is shown once and answered with a receipt sealed for its sender', () => {
    const { effects } = fold([...room(), frameEvent(1, fromBob(1, 'psst'), 5)]);
    expect(shownTexts(effects)).toEqual(['psst']);
    const [receipt] = sentDirect(effects);
    expect(receipt).toMatchObject({ origin: SELF, to: BOB, toInc: '1', n: 1 });
  });

  it('a replay is dropped however many direct messages passed since', () => {
    const many = Array.from({ length: 1_500 }, (_, i) => frameEvent(1, fromBob(i + 1), 5));
    const replays = [1, 2, 700, 1_500].map((n) => frameEvent(2, fromBob(n), 6));
    const { effects } = fold([...room(), ...many, ...replays]);
    const shown = shownTexts(effects);
    expect(shown).toHaveLength(1_500);
    expect(new Set(shown).size).toBe(1_500);
  });

  it("a frame with bob's next number not signed by bob is dropped, and bob's own is shown", () => {
    const real = fromBob(2, 'the real one');
    // Carol signs bob's next number with her own key (her valid key, any well-formed frame).
    const { key: _key, sig: _sig, ...header } = real;
    const forged = signDirect(fakeIdentity(CAROL), header);
    const withBobsKey = { ...real, box: fromBob(3, 'other').box };
    const { effects } = fold([
      ...room(),
      frameEvent(1, fromBob(1, 'first'), 5),
      frameEvent(2, forged, 6),
      frameEvent(2, withBobsKey, 6),
      frameEvent(1, real, 7),
    ]);
    expect(shownTexts(effects)).toEqual(['first', 'the real one']);
    const warned = effects
      .filter((e) => e.kind === 'warn')
      .map((e) => e.kind === 'warn' && e.warning.code);
    expect(warned).toEqual(['forgedDirect', 'forgedDirect']);
  });

  it('one from no member’s announced incarnation is not opened, and no number of it is kept', () => {
    const strangers = Array.from({ length: 2_000 }, (_, i) =>
      frameEvent(2, directFrom(`ee${String(i).padStart(14, '0')}`, SELF, 1, { delivered: 1 }), 6),
    );
    // Bob's own key and number, but another X25519 key than he announced: not his incarnation's.
    const { key: _k, sig: _s, ...header } = fromBob(2, 'other key');
    const otherDh = signDirect(fakeIdentity(BOB), { ...header, dh: 'dh-someone-else' });
    const { state, effects } = fold([
      ...room(),
      frameEvent(1, fromBob(1, 'once'), 5),
      ...strangers,
      frameEvent(1, otherDh, 6),
      frameEvent(2, fromBob(1, 'once'), 7),
    ]);
    expect(shownTexts(effects)).toEqual(['once']);
    expect(state.direct.received.size).toBe(1);
    expect(sentDirect(effects)).toHaveLength(1);
    const warned = effects.filter((e) => e.kind === 'warn' && e.warning.code === 'strangerDirect');
    expect(new Set(warned.map((e) => e.kind === 'warn' && e.key))).toEqual(
      new Set(['stranger-dm:cc00000000000000', 'stranger-dm:bb00000000000000']),
    );
  });

  it('past 4,096 sender incarnations kept, one that left is forgotten first, never a current one', () => {
    const { state } = fold(room());
    const window = { top: 1, mask: 0n };
    const left = Array.from(
      { length: MAX_RECEIVED_SEQUENCES - 1 },
      (_, i) => [`ff${String(i).padStart(14, '0')}.1`, window] as const,
    );
    // Bob's sequence is the least recently used of all: it is still kept.
    const full = withDirect(state, { received: new Map([[`${BOB}.1`, window], ...left]) });
    const after = takeReceived(full, directFrom(CAROL, SELF, 1, { delivered: 1 }));
    const kept = [...(after?.direct.received.keys() ?? [])];
    expect(kept).toHaveLength(MAX_RECEIVED_SEQUENCES);
    expect(kept).toContain(`${BOB}.1`);
    expect(kept).toContain(`${CAROL}.1`);
    expect(kept).not.toContain(left[0]?.[0]);
    expect(takeReceived(full, fromBob(1))).toBeUndefined();
  });

  it('passed on toward others: each once, the least recently used forgotten past 1,024', () => {
    const { state } = fold(room());
    const origin = (i: number) => `ee${String(i).padStart(14, '0')}`;
    const toCarol = (i: number, n = 1) =>
      directFrom(origin(i), CAROL, n, { name: 'x', text: 'y', time: TIME });
    let next = takePassed(state, toCarol(0)) ?? state;
    for (let i = 1; i <= MAX_PASSED_SEQUENCES; i++) {
      next = takePassed(next, toCarol(i)) ?? next;
      // The first goes on writing: it stays among the most recently used.
      next = takePassed(next, toCarol(0, i + 1)) ?? next;
    }
    expect(next.direct.passed.size).toBe(MAX_PASSED_SEQUENCES);
    // The second was the least recently used: forgotten, so its number is taken again.
    expect(takePassed(next, toCarol(1))).toBeDefined();
    expect(takePassed(next, toCarol(2))).toBeUndefined();
    expect(takePassed(next, toCarol(0, 2))).toBeUndefined();
  });

  it('one overtaken by more than 1,024 of its sender’s later numbers is dropped with a warning', () => {
    const { effects } = fold([
      ...room(),
      frameEvent(1, fromBob(1_100, 'newer'), 5),
      frameEvent(1, fromBob(1_100, 'newer'), 5),
      frameEvent(2, fromBob(50, 'overtaken'), 6),
    ]);
    expect(shownTexts(effects)).toEqual(['newer']);
    const warned = effects.flatMap((e) => (e.kind === 'warn' ? [e.warning.code] : []));
    expect(warned).toEqual(['staleDirect']);
  });

  it('a replay after a waiting message was released keeps the release, and its receipt’s number', () => {
    const early = fromEve;
    const gossip = eveGossip;
    const second = directFrom(EVE, SELF, 2, { name: 'eve', text: 'second', time: TIME });
    const { state, effects } = fold([
      ...room(),
      // Both wait for eve's announcement; then a copy of the first comes by another path: it
      // releases both, and is itself a copy of one just taken.
      frameEvent(2, second, 5),
      frameEvent(2, early, 6),
      gossip,
      frameEvent(1, early, 41),
      { kind: 'tick', at: 300 },
      { kind: 'input', at: 310, lines: ['/msg eve hi'] },
    ]);
    expect(shownTexts(effects)).toEqual(['second', 'early']);
    const numbers = sentDirect(effects).map((f) => f.n);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(state.direct.parked).toEqual([]);
  });

  it('a few arriving out of order are all shown', () => {
    const order = [3, 1, 2, 5, 4];
    const { effects } = fold([...room(), ...order.map((n) => frameEvent(1, fromBob(n), 5))]);
    expect(shownTexts(effects)).toEqual(order.map((n) => `dm ${n}`));
  });

  it('a box sealed for another key is not shown: one warning', () => {
    const forCarol = directFrom(BOB, CAROL, 1, { name: 'bob', text: 'not yours', time: TIME });
    const { key: _key, sig: _sig, ...header } = forCarol;
    const misdirected = signDirect(fakeIdentity(BOB), { ...header, to: SELF });
    const { effects } = fold([...room(), frameEvent(1, misdirected, 5)]);
    expect(shownTexts(effects)).toEqual([]);
    expect(effects).toContainEqual(
      expect.objectContaining({
        kind: 'warn',
        warning: expect.objectContaining({ code: 'unreadableDirect' }),
      }),
    );
  });

  it('one for another member is passed on once toward it, never shown here', () => {
    const toCarol = directFrom(BOB, CAROL, 1, { name: 'bob', text: 'for carol', time: TIME });
    const { effects } = fold([...room(), frameEvent(1, toCarol, 5), frameEvent(1, toCarol, 6)]);
    expect(shownTexts(effects)).toEqual([]);
    const passed = effects.filter((e) => e.kind === 'send' && e.frame.type === 'dm');
    expect(passed).toEqual([{ kind: 'send', links: [2], frame: toCarol }]);
  });

  it('one for another member that is forged, or for a member that quit, is not passed on', () => {
    const toCarol = directFrom(BOB, CAROL, 1, { name: 'bob', text: 'for carol', time: TIME });
    const altered = { ...toCarol, box: directFrom(BOB, CAROL, 1, { delivered: 1 }).box };
    const forged = fold([...room(), frameEvent(1, altered, 5)]).effects;
    expect(sentDirect(forged)).toEqual([]);
    expect(forged).toContainEqual(
      expect.objectContaining({ warning: expect.objectContaining({ code: 'forgedDirect' }) }),
    );
    // Dave is linked too: a message passed on toward carol, not linked, would go to him.
    const withDave = [...room(), ...joined(3, DAVE, 'dave')];
    const passed = fold([
      ...withDave,
      { kind: 'linkDown', at: 4, link: 2, reason: 'reset' },
      frameEvent(1, toCarol, 5),
    ]).effects;
    expect(sentDirect(passed)).toEqual([toCarol]);
    const quit = fold([
      ...withDave,
      frameEvent(2, { type: 'bye', reason: 'quit' }, 4),
      frameEvent(1, toCarol, 5),
    ]);
    expect(quit.state.members.get(CAROL)?.state).toBe('quit');
    expect(sentDirect(quit.effects)).toEqual([]);
  });

  it('content that opens but is neither a message nor a receipt is dropped with one warning', () => {
    const odd = directFrom(BOB, SELF, 1, { greeting: 'hi' });
    const { effects } = fold([...room(), frameEvent(1, odd, 5)]);
    expect(shownTexts(effects)).toEqual([]);
    expect(sentDirect(effects)).toEqual([]);
    expect(effects).toContainEqual(
      expect.objectContaining({ warning: expect.objectContaining({ code: 'unreadableDirect' }) }),
    );
  });

  it('one for an earlier incarnation of this node is dropped unopened', () => {
    const old = directFrom(BOB, SELF, 1, { name: 'bob', text: 'old', time: TIME }, '0');
    const { effects } = fold([...room(), frameEvent(1, old, 5)]);
    expect(shownTexts(effects)).toEqual([]);
    expect(sentDirect(effects)).toEqual([]);
  });
});

describe('direct messages: one from a member not heard of yet waits for its announcement', () => {
  const tick = (at: number): NodeEvent => ({ kind: 'tick', at });

  it('is shown once gossip of its sender arrives, and answered', () => {
    const { effects } = fold([
      ...room(),
      frameEvent(2, fromEve, 5),
      tick(30),
      eveGossip,
      tick(105),
    ]);
    expect(shownTexts(effects)).toEqual(['early']);
    expect(sentDirect(effects)).toMatchObject([{ to: EVE, n: 1 }]);
    expect(effects.filter((e) => e.kind === 'warn')).toEqual([]);
  });

  it('is dropped with one warning when none comes within the wait', () => {
    const { state, effects } = fold([
      ...room(),
      frameEvent(2, fromEve, 5),
      tick(5 + PARK_MS - 1),
      tick(5 + PARK_MS),
      eveGossip,
      tick(5 + PARK_MS + 200),
    ]);
    expect(shownTexts(effects)).toEqual([]);
    expect(state.direct.parked).toEqual([]);
    const warned = effects.filter((e) => e.kind === 'warn' && e.warning.code === 'strangerDirect');
    expect(warned).toHaveLength(1);
  });

  const stranger = (i: number, n = 1) =>
    directFrom(`e${String(i).padStart(15, '0')}`, SELF, n, { delivered: 1 });

  it('one link keeps at most 8 waiting, all at most 32; a copy is not kept twice', () => {
    const fromOne = Array.from({ length: 12 }, (_, i) => frameEvent(2, stranger(i), 5));
    const one = fold([...room(), ...fromOne, frameEvent(2, stranger(11), 5)]).state.direct.parked;
    expect(one).toHaveLength(MAX_PARKED_PER_LINK);
    expect(one.map((p) => p.frame.origin)).toEqual(
      Array.from({ length: 8 }, (_, i) => stranger(i + 4).origin),
    );
    const links = [3, 4, 5, 6, 7];
    const five = links.flatMap((link) => joined(link, `f${link}${'0'.repeat(14)}`, `m${link}`));
    const fromFive = links.flatMap((link, l) =>
      Array.from({ length: 8 }, (_, i) => frameEvent(link, stranger(l * 8 + i), 5)),
    );
    const all = fold([...room(), ...five, ...fromFive]).state.direct.parked;
    expect(all).toHaveLength(MAX_PARKED);
  });

  it('a liar’s made-up incarnations do not push out another link’s early message', () => {
    // Carol signs each with her own key, under an incarnation she makes up.
    const { key: _k, sig: _s, ...header } = directFrom(CAROL, SELF, 1, { delivered: 1 });
    const madeUp = Array.from({ length: 40 }, (_, i) =>
      frameEvent(2, signDirect(fakeIdentity(CAROL), { ...header, inc: `x${i}` }), 5),
    );
    const { effects } = fold([
      ...room(),
      frameEvent(1, fromEve, 5),
      ...madeUp,
      eveGossip,
      tick(105),
    ]);
    expect(shownTexts(effects)).toEqual(['early']);
    const crowded = effects.filter(
      (e) =>
        e.kind === 'warn' && e.warning.code === 'strangerDirect' && e.warning.reason === 'crowded',
    );
    expect(crowded.length).toBeGreaterThan(0);
  });

  it('once its sender is announced, what waited goes before its next message', () => {
    const next = directFrom(EVE, SELF, 2, { name: 'eve', text: 'second', time: TIME });
    const { effects } = fold([
      ...room(),
      frameEvent(2, fromEve, 5),
      eveGossip,
      frameEvent(2, next, 41),
    ]);
    expect(shownTexts(effects)).toEqual(['early', 'second']);
  });
});

describe('direct messages: delivery the sender can see', () => {
  const send = (at: number, line = '/msg bob psst'): NodeEvent => ({
    kind: 'input',
    at,
    lines: [line],
  });
  const receipt = (n: number) => directFrom(BOB, SELF, n, { delivered: n });

  it('numbers all from one count, goes straight to a linked addressee, reports the receipt', () => {
    const { effects } = fold([
      ...room(),
      send(10),
      send(11, '/msg carol hi'),
      send(12),
      frameEvent(1, receipt(3), 20),
    ]);
    // One count for all: no number is used twice, whoever the addressee (it is the nonce).
    expect(sentDirect(effects).map((f) => `${f.to.slice(0, 2)}:${f.n}`)).toEqual([
      'bb:1',
      'cc:2',
      'bb:3',
    ]);
    expect(emitted(effects, 'dm-delivered')).toEqual([
      expect.objectContaining({
        event: { event: 'dm-delivered', to: BOB, user: 'bob', id: `${SELF}.1:d3` },
      }),
    ]);
    expect(emitted(effects, 'dm-undelivered')).toEqual([]);
  });

  it('a receipt this node sends and its next message share the count; each goes straight to a linked member', () => {
    const { effects } = fold([...room(), frameEvent(1, fromBob(1), 5), send(10)]);
    const sent = effects.filter((e) => e.kind === 'send' && e.frame.type === 'dm');
    expect(
      sent.map((e) => e.kind === 'send' && [e.links, e.frame.type === 'dm' && e.frame.n]),
    ).toEqual([
      [[1], 1],
      [[1], 2],
    ]);
  });

  it('without a receipt within the linger it is reported not delivered, once', () => {
    const config = testConfig({ lingerMs: 1000, peerTimeoutMs: 1e9 });
    const { effects } = fold(
      [
        ...room(),
        send(10),
        { kind: 'tick', at: 1009 },
        { kind: 'tick', at: 1010 },
        { kind: 'tick', at: 2000 },
        frameEvent(1, receipt(1), 2001),
      ],
      config,
    );
    expect(emitted(effects, 'dm-undelivered')).toEqual([
      expect.objectContaining({
        event: expect.objectContaining({ event: 'dm-undelivered', to: BOB, waitedMs: 1000 }),
      }),
    ]);
    expect(emitted(effects, 'dm-delivered')).toEqual([]);
  });

  it('a receipt sent by anyone but the addressee does not count', () => {
    const byCarol = directFrom(CAROL, SELF, 1, { delivered: 1 });
    const { effects } = fold([...room(), send(10), frameEvent(2, byCarol, 20)]);
    expect(emitted(effects, 'dm-delivered')).toEqual([]);
  });

  it('a leaving node waits for the receipt; without it, it exits 3', () => {
    const config = testConfig({ lingerMs: 1000, peerTimeoutMs: 1e9 });
    const leave: NodeEvent = { kind: 'inputEnd', at: 20 };
    const waited = fold([...room(), send(10), leave, { kind: 'tick', at: 500 }], config);
    expect(waited.state.leaving.phase).toBe('lingering');
    const confirmed = fold([...room(), send(10), leave, frameEvent(1, receipt(1), 600)], config);
    expect(emitted(confirmed.effects, 'dm-delivered')).toHaveLength(1);
    expect(confirmed.state.leaving).toMatchObject({ phase: 'closing', code: 0 });
    const never = fold([...room(), send(10), leave, { kind: 'tick', at: 1100 }], config);
    expect(emitted(never.effects, 'dm-undelivered')).toHaveLength(1);
    // The exit 3 comes with one line on stderr saying why.
    expect(never.effects).toContainEqual({
      kind: 'warn',
      warning: { code: 'undeliveredDirect', count: 1 },
    });
    expect(never.state.leaving).toMatchObject({ phase: 'closing', code: 3 });
    // Held for the initial dial, sent late in the linger, it is reported when the node leaves,
    // with the time it waited.
    const dialling = testConfig({ ...config, peers: ['127.0.0.1:9100'] });
    const dialled = {
      direction: 'out',
      target: '127.0.0.1:9100',
      purpose: { kind: 'initial' },
    } as const;
    const late = fold(
      [
        { kind: 'start', at: 0 },
        send(1),
        leave,
        linkUp(1, 900, dialled),
        ...handshake(1, hello(BOB, 'bob'), 900),
        { kind: 'tick', at: 1100 },
      ],
      dialling,
    );
    expect(emitted(late.effects, 'dm-undelivered')).toEqual([
      expect.objectContaining({ event: expect.objectContaining({ waitedMs: 200 }) }),
    ]);
  });
});
