import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/core/effect.js';
import type { NodeEvent } from '../../src/core/event.js';
import { MAX_RETIRED } from '../../src/core/forget.js';
import { sendHave } from '../../src/core/gossip.js';
import { logMessages } from '../../src/core/log.js';
import type { NodeState } from '../../src/core/state.js';
import { initialState, withChat } from '../../src/core/state.js';
import { step } from '../../src/core/step.js';
import type { ChatFrame } from '../../src/protocol/frames.js';
import {
  burstFrom,
  fold,
  frameEvent,
  handshake,
  hello,
  joined,
  linkUp,
  SELF,
  signedChat,
  testConfig,
} from '../helpers/core-fixtures.js';

const BOB = 'bb00000000000000';
const CAROL = 'cc00000000000000';
const DAVE = 'dd00000000000000';
const LIAR = 'ee00000000000000';

const chat = (
  origin: string,
  seq: number,
  texts: string[],
  deps: Record<string, number> = {},
  replay = false,
): ChatFrame => burstFrom(origin, seq, texts, deps, replay ? { replay } : {});

const shownTexts = (effects: readonly Effect[]): string[] =>
  effects.flatMap((e) => (e.kind === 'emit' && e.event.event === 'message' ? [e.event.text] : []));

describe('causal delivery in the step', () => {
  it('holds a reply that arrives before its question, then shows both in order', () => {
    const { effects } = fold([
      ...joined(1, BOB, 'bob'),
      ...joined(2, CAROL, 'carol'),
      frameEvent(2, chat(CAROL, 1, ['answer'], { [`${BOB}.1`]: 1 })),
      frameEvent(1, chat(BOB, 1, ['question'])),
    ]);
    expect(shownTexts(effects)).toEqual(['question', 'answer']);
  });

  it('shows a message that arrives twice only once', () => {
    const { effects } = fold([
      ...joined(1, BOB, 'bob'),
      ...joined(2, CAROL, 'carol'),
      frameEvent(1, chat(BOB, 1, ['once'])),
      frameEvent(2, chat(BOB, 1, ['once'])),
    ]);
    expect(shownTexts(effects)).toEqual(['once']);
  });
});

describe('forwarding where it is needed, and only there', () => {
  const forwarded = (effects: readonly Effect[]) =>
    effects.flatMap((e) => (e.kind === 'send' && e.frame.type === 'chat' ? [e.links.join()] : []));

  it('forwards a new message to members not linked with its origin', () => {
    const events: NodeEvent[] = [
      ...joined(1, BOB, 'bob'),
      ...joined(2, CAROL, 'carol'),
      ...joined(3, DAVE, 'dave'),
      frameEvent(2, { type: 'links', peers: ['b000000000000000', BOB] }),
      frameEvent(3, { type: 'links', peers: ['b000000000000000'] }),
      frameEvent(1, chat(BOB, 1, ['hi'])),
    ];
    // carol is linked with bob: no forwarding; dave is not: forward to link 3 only.
    expect(forwarded(fold(events).effects)).toEqual(['3']);
  });

  it('forwards nothing in a full mesh, and never a duplicate', () => {
    const events: NodeEvent[] = [
      ...joined(1, BOB, 'bob'),
      ...joined(2, CAROL, 'carol'),
      frameEvent(2, { type: 'links', peers: ['b000000000000000', BOB] }),
      frameEvent(1, chat(BOB, 1, ['hi'])),
      frameEvent(2, chat(BOB, 1, ['hi'])),
    ];
    expect(forwarded(fold(events).effects)).toEqual([]);
  });
});

describe('catch-up', () => {
  it('answers have with what the peer lacks, in log order, as replay frames', () => {
    const { effects } = fold([
      ...joined(1, BOB, 'bob'),
      frameEvent(1, chat(BOB, 1, ['b1', 'b2'])),
      { kind: 'input', at: 5, lines: ['mine'] },
      ...joined(2, CAROL, 'carol'),
      frameEvent(2, { type: 'have', vector: { [`${BOB}.1`]: 1 }, floor: {} }),
    ]);
    const replays = effects.flatMap((e) =>
      e.kind === 'send' && e.frame.type === 'chat' && e.frame.replay === true ? [e] : [],
    );
    expect(
      replays.map((e) =>
        e.kind === 'send' && e.frame.type === 'chat' ? [e.links, e.frame.seq, e.frame.texts] : [],
      ),
    ).toEqual([
      // The whole signed burst goes again, unchanged: the peer drops what it has.
      [[2], 1, ['b1', 'b2']],
      [[2], 1, ['mine']],
    ]);
  });

  it('a joiner starts a stream it never saw just below the oldest message its first catch-up brings, as history', () => {
    const { effects } = fold([
      ...joined(1, BOB, 'bob'),
      frameEvent(1, { type: 'have', vector: { [`${BOB}.1`]: 30 }, floor: { [`${BOB}.1`]: 20 } }),
      frameEvent(1, chat(BOB, 23, ['b23', 'b24'], {}, true), 10),
      frameEvent(1, chat(BOB, 21, ['b21', 'b22'], {}, true), 20),
      { kind: 'tick', at: 1000 },
    ]);
    expect(shownTexts(effects)).toEqual(['b21', 'b22', 'b23', 'b24']);
    expect(effects.some((e) => e.kind === 'emit' && e.event.event === 'gap')).toBe(false);
  });

  it('a quiet member’s own have says where its stream starts: what depends on it shows at once', () => {
    const dave = `${DAVE}.1`;
    const { effects } = fold([
      ...joined(1, BOB, 'bob'),
      ...joined(3, DAVE, 'dave'),
      // Bob's log still holds a reply to dave's 30th line; nobody logs dave's lines any more.
      frameEvent(1, chat(BOB, 1, ['b1'], { [dave]: 30 }, true), 10),
      frameEvent(3, { type: 'have', vector: { [dave]: 30 }, floor: { [dave]: 30 } }, 20),
      frameEvent(3, chat(DAVE, 31, ['d31']), 30),
    ]);
    expect(shownTexts(effects)).toEqual(['b1', 'd31']);
    expect(effects.some((e) => e.kind === 'emit' && e.event.event === 'gap')).toBe(false);
  });

  it('another member cannot say where a stream starts: its floor for dave moves nothing', () => {
    const dave = `${DAVE}.1`;
    const { effects } = fold([
      ...joined(1, BOB, 'bob'),
      ...joined(3, DAVE, 'dave'),
      frameEvent(1, { type: 'have', vector: { [dave]: 30 }, floor: { [dave]: 30 } }, 20),
      frameEvent(3, chat(DAVE, 1, ['d1']), 30),
    ]);
    expect(shownTexts(effects)).toEqual(['d1']);
  });

  it('what a start passed over still shows when it comes later: once, out of order, never hidden', () => {
    const carol = (seq: number, text: string) => chat(CAROL, seq, [text], {}, true);
    const { effects } = fold([
      // A liar opens the window first and replays only carol's third line.
      ...joined(1, BOB, 'bob'),
      ...joined(4, LIAR, 'liar'),
      frameEvent(4, { type: 'have', vector: {}, floor: {} }, 0),
      frameEvent(4, carol(3, 'c3'), 10),
      { kind: 'tick', at: 1000 },
      // Bob's catch-up comes late, with all three.
      frameEvent(1, carol(1, 'c1'), 1500),
      frameEvent(1, carol(2, 'c2'), 1500),
      frameEvent(1, carol(3, 'c3'), 1500),
      frameEvent(1, carol(1, 'c1'), 1600),
    ]);
    expect(shownTexts(effects)).toEqual(['c3', 'c1', 'c2']);
    const late = effects.flatMap((e) =>
      e.kind === 'emit' && e.event.event === 'message' && e.event.unmet === true
        ? [e.event.text]
        : [],
    );
    expect(late).toEqual(['c1', 'c2']);
  });

  it('a message given up at the gap wait that comes after all is shown then, once', () => {
    // (A long peer timeout: bob stays linked without pings.)
    const config = testConfig({ gapWaitMs: 5000, peerTimeoutMs: 60_000 });
    const { effects } = fold(
      [
        ...joined(1, BOB, 'bob'),
        frameEvent(1, chat(BOB, 1, ['b1']), 10),
        frameEvent(1, chat(BOB, 4, ['b4']), 20),
        { kind: 'tick', at: 5100 },
        frameEvent(1, chat(BOB, 2, ['b2', 'b3']), 6000),
        frameEvent(1, chat(BOB, 2, ['b2', 'b3']), 6100),
      ],
      config,
    );
    expect(shownTexts(effects)).toEqual(['b1', 'b4', 'b2', 'b3']);
  });

  it('a floor alone never moves a stream: what the stream really sends is shown', () => {
    const { effects } = fold([
      ...joined(1, BOB, 'bob'),
      frameEvent(1, { type: 'have', vector: {}, floor: { [`${CAROL}.1`]: 50 } }),
      { kind: 'tick', at: 2000 },
      frameEvent(1, chat(CAROL, 1, ['c1']), 2100),
    ]);
    expect(shownTexts(effects)).toEqual(['c1']);
  });

  it('a predecessor nobody sends is given up after the wait: a gap event, then the rest, never a stall', () => {
    const config = testConfig({ gapWaitMs: 5000 });
    const events: NodeEvent[] = [
      ...joined(1, BOB, 'bob'),
      frameEvent(1, chat(BOB, 1, ['b1']), 10),
      frameEvent(1, chat(BOB, 5, ['b5', 'b6']), 20),
      { kind: 'tick', at: 4000 },
    ];
    expect(shownTexts(fold(events, config).effects)).toEqual(['b1']);
    const later = fold([...events, { kind: 'tick', at: 5100 }], config).effects;
    expect(shownTexts(later)).toEqual(['b1', 'b5', 'b6']);
    expect(later.find((e) => e.kind === 'emit' && e.event.event === 'gap')).toMatchObject({
      event: { origin: BOB, missing: 3 },
    });
  });
});

describe('bounded memory', () => {
  it('retires the stream of a member that quit at once: out of deps and have, its record kept', () => {
    const events: NodeEvent[] = [
      ...joined(1, BOB, 'bob'),
      ...joined(2, CAROL, 'carol'),
      frameEvent(1, chat(BOB, 1, ['b1'])),
      frameEvent(1, { type: 'bye', reason: 'quit' }),
    ];
    const before = fold(events).state;
    expect(before.chat.delivery.vector.has(`${BOB}.1`)).toBe(true);
    const { state, effects } = fold([
      ...events,
      { kind: 'tick', at: 100 },
      { kind: 'input', at: 300, lines: ['hi'] },
    ]);
    expect(state.chat.delivery.vector.has(`${BOB}.1`)).toBe(false);
    // Retired, not forgotten: a replay of its messages is still a duplicate.
    expect(state.chat.delivery.retired.get(`${BOB}.1`)).toBe(1);
    expect(logMessages(state.chat.log).map((m) => m.text)).toContain('b1');
    const sent = effects.flatMap((e) => (e.kind === 'send' ? [e.frame] : []));
    const mine = sent.filter((f) => f.type === 'chat' && f.texts[0] === 'hi');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ deps: {} });
    const out: Effect[] = [];
    sendHave(state, 2, out);
    expect(out).toMatchObject([{ frame: { type: 'have', vector: { [`${SELF}.1`]: 1 } } }]);
    expect(JSON.stringify(out)).not.toContain(`${BOB}.1`);
  });

  it('a replay of a retired stream is never shown again', () => {
    const config = testConfig({ historyLimit: 2 });
    const { effects } = fold(
      [
        ...joined(1, BOB, 'bob'),
        ...joined(2, CAROL, 'carol'),
        frameEvent(1, chat(BOB, 1, ['b1'])),
        frameEvent(1, { type: 'bye', reason: 'quit' }),
        frameEvent(2, chat(CAROL, 1, ['c1', 'c2'])),
        { kind: 'tick', at: 200 },
        frameEvent(2, chat(BOB, 1, ['b1'], {}, true), 300),
        { kind: 'tick', at: 10_000 },
      ],
      config,
    );
    expect(shownTexts(effects)).toEqual(['b1', 'c1', 'c2']);
  });

  it('gives each origin its share of the held-back queue: one member cannot crowd out another', () => {
    const config = testConfig({ maxHeld: 10, maxHeldPerOrigin: 3 });
    const { state, effects } = fold(
      [
        ...joined(1, BOB, 'bob'),
        ...joined(2, CAROL, 'carol'),
        frameEvent(1, chat(BOB, 5, ['x5', 'x6', 'x7', 'x8', 'x9'])),
        frameEvent(2, chat(CAROL, 2, ['c2', 'c3'])),
      ],
      config,
    );
    expect(state.chat.delivery.heldCount).toBe(5);
    expect(state.chat.delivery.held.get(`${CAROL}.1`)?.size).toBe(2);
    expect(effects.filter((e) => e.kind === 'warn')).toMatchObject([
      { warning: { code: 'heldFull', max: 3, total: 10, dropped: 2, name: 'bb' } },
    ]);
  });

  it('a pull for a stream of an origin that restarted asks everyone: the origin no longer has it', () => {
    const restarted: NodeEvent[] = [
      linkUp(1, 0),
      ...handshake(1, hello(BOB, 'bob', 9101, { inc: '2' }), 0),
    ];
    const { effects } = fold([
      ...restarted,
      ...joined(2, CAROL, 'carol'),
      // Carol passes on bob's old incarnation's third line; its first two are missing.
      frameEvent(2, chat(BOB, 3, ['b3']), 10),
      { kind: 'tick', at: 1010 },
    ]);
    // (Carol's link, the second of a fresh node, was first asked for nothing: `want: []`.)
    const asked = effects.filter(
      (e) => e.kind === 'send' && e.frame.type === 'have' && (e.frame.want?.length ?? 0) > 0,
    );
    expect(asked).toMatchObject([{ links: [1], frame: { want: [`${BOB}.1`] } }, { links: [2] }]);
  });

  it('what was dropped is asked for again: the pull names its stream, and the reply fills it in', () => {
    const config = testConfig({ maxHeld: 10, maxHeldPerOrigin: 3, gapWaitMs: 5000 });
    const events: NodeEvent[] = [
      ...joined(1, BOB, 'bob'),
      frameEvent(1, chat(BOB, 2, ['x2', 'x3', 'x4', 'x5'])),
      { kind: 'tick', at: 1000 },
    ];
    const asked = fold(events, config).effects.filter(
      (e) => e.kind === 'send' && e.frame.type === 'have' && e.frame.want !== undefined,
    );
    expect(asked).toMatchObject([{ links: [1], frame: { want: [`${BOB}.1`] } }]);
    // Bob's reply: the whole burst again, and its first line.
    const replied = fold(
      [
        ...events,
        frameEvent(1, chat(BOB, 1, ['x1'], {}, true), 1010),
        frameEvent(1, chat(BOB, 2, ['x2', 'x3', 'x4', 'x5'], {}, true), 1020),
      ],
      config,
    );
    expect(shownTexts(replied.effects)).toEqual(['x1', 'x2', 'x3', 'x4', 'x5']);
  });
});

describe('chains and floods a liar can build', () => {
  it('a chain of dependencies across 3,000 streams resolves at the gap wait, each message once, no overflow', () => {
    const config = testConfig({ gapWaitMs: 5000 });
    const origin = (i: number) => `f${String(i).padStart(15, '0')}`;
    const link = (i: number): ChatFrame =>
      signedChat({
        type: 'chat',
        origin: origin(i),
        inc: '1',
        name: 'x',
        seq: 1,
        // Each waits for the next; the last for a message that never comes.
        deps: i === 2999 ? { 'nobody0000000000.1': 1 } : { [`${origin(i + 1)}.1`]: 1 },
        time: '2026-01-01T00:00:00.000Z',
        texts: [`m${i}`],
      });
    const frames = Array.from({ length: 3000 }, (_, i) => frameEvent(1, link(i), 10));
    const { state, effects } = fold(
      [...joined(1, BOB, 'bob'), ...frames, { kind: 'tick', at: 5010 }],
      config,
    );
    expect(state.chat.delivery.heldCount).toBe(0);
    expect(new Set(shownTexts(effects)).size).toBe(3000);
  });

  it('an origin keeps at most 8 streams in the vector: minted incarnations retire, their replays stay duplicates', () => {
    const minted = (i: number): ChatFrame =>
      signedChat({
        type: 'chat',
        origin: BOB,
        inc: `i${i}`,
        name: 'bob',
        seq: 1,
        deps: {},
        time: '2026-01-01T00:00:00.000Z',
        texts: [`x${i}`],
      });
    const frames = Array.from({ length: 20 }, (_, i) => frameEvent(1, minted(i), 10));
    const { state, effects } = fold([
      ...joined(1, BOB, 'bob'),
      ...frames,
      { kind: 'tick', at: 100 },
      frameEvent(1, { ...minted(0), replay: true }, 200),
      { kind: 'input', at: 300, lines: ['mine'] },
    ]);
    const bobs = [...state.chat.delivery.vector.keys()].filter((s) => s.startsWith(BOB));
    expect(bobs.length).toBeLessThanOrEqual(8);
    expect(shownTexts(effects).filter((t) => t === 'x0')).toHaveLength(1);
    const mine = effects.flatMap((e) =>
      e.kind === 'send' && e.frame.type === 'chat' && e.frame.origin !== BOB ? [e.frame] : [],
    );
    expect(mine).toHaveLength(1);
    expect(Object.keys(mine[0]?.deps ?? {}).length).toBeLessThanOrEqual(8);
  });

  it('one member holds at most 8 streams: fresh incarnations beyond that are not held', () => {
    const frames = Array.from({ length: 20 }, (_, i) =>
      frameEvent(1, { ...chat(BOB, 2, [`x${i}`]), inc: `i${i}` }),
    );
    const resigned = frames.map((event) =>
      event.kind === 'frame' && event.frame.type === 'chat'
        ? { ...event, frame: signedChat({ ...event.frame }) }
        : event,
    );
    const { state } = fold([...joined(1, BOB, 'bob'), ...resigned]);
    expect(state.chat.delivery.held.size).toBe(8);
  });
});

describe('retirement records', () => {
  it('keep the newest 4,096 retired streams: the oldest goes first', () => {
    const config = testConfig({ historyLimit: 1 });
    const start = initialState(config);
    const old = new Map(Array.from({ length: MAX_RETIRED }, (_, i) => [`old${i}.1`, i + 1]));
    const state: NodeState = withChat(start, {
      delivery: { ...start.chat.delivery, retired: old },
    });
    const events: NodeEvent[] = [
      ...joined(1, BOB, 'bob'),
      ...joined(2, CAROL, 'carol'),
      frameEvent(1, chat(BOB, 1, ['b1'])),
      frameEvent(1, { type: 'bye', reason: 'quit' }),
      frameEvent(2, chat(CAROL, 1, ['c1'])),
      { kind: 'tick', at: 100 },
    ];
    const after = events.reduce((s, event) => step(s, event).state, state);
    const { retired } = after.chat.delivery;
    expect(retired.size).toBe(MAX_RETIRED);
    expect(retired.has('old0.1')).toBe(false);
    expect([...retired.keys()].at(-1)).toBe(`${BOB}.1`);
  });

  it('a replay of a stream whose record was evicted is shown as history, never as live', () => {
    const config = testConfig({ historyLimit: 1 });
    const start = initialState(config);
    // bob's stream retired first, then 4,096 newer ones: its record is the oldest, evicted.
    const events: NodeEvent[] = [
      ...joined(1, BOB, 'bob'),
      ...joined(2, CAROL, 'carol'),
      frameEvent(1, chat(BOB, 1, ['b1'])),
      frameEvent(1, { type: 'bye', reason: 'quit' }),
      { kind: 'tick', at: 100 },
    ];
    const retiredBob = events.reduce((s, event) => step(s, event).state, start);
    expect(retiredBob.chat.delivery.retired.has(`${BOB}.1`)).toBe(true);
    const newer = new Map(retiredBob.chat.delivery.retired);
    for (let i = 0; i < MAX_RETIRED; i++) newer.set(`new${i}.1`, 1);
    const crowded = withChat(retiredBob, {
      delivery: { ...retiredBob.chat.delivery, retired: newer },
    });
    const evicted = step(crowded, { kind: 'tick', at: 200 }).state;
    expect(evicted.chat.delivery.retired.has(`${BOB}.1`)).toBe(false);
    const shownBy = (frame: ChatFrame, node = evicted) =>
      step(node, frameEvent(2, frame, 300)).effects.flatMap((e) =>
        e.kind === 'emit' && e.event.event === 'message' ? [e.event] : [],
      );
    expect(shownBy(chat(BOB, 1, ['b1'], {}, true))).toMatchObject([{ text: 'b1', history: true }]);
    // `replay` is not signed: a relay that drops it still cannot pass off an old line as live.
    const started = {
      ...evicted,
      config: { ...evicted.config, startedAt: Date.parse('2026-06-01') },
    };
    expect(shownBy(chat(BOB, 1, ['b1']), started)).toMatchObject([{ text: 'b1', history: true }]);
  });

  it('a member lost longer than --redial-for is forgotten; its retirement records stay', () => {
    const config = testConfig({ redialForMs: 60_000, peerTimeoutMs: 1e12 });
    const lost: NodeEvent[] = [
      ...joined(1, BOB, 'bob'),
      ...joined(2, CAROL, 'carol'),
      frameEvent(2, chat(CAROL, 1, ['c1'])),
      { kind: 'linkDown', at: 10, link: 2, reason: 'reset' },
      { kind: 'tick', at: 20 },
    ];
    const kept = fold(lost, config).state;
    expect(kept.chat.delivery.vector.has(`${CAROL}.1`)).toBe(false);
    expect(kept.chat.delivery.retired.get(`${CAROL}.1`)).toBe(1);
    expect(kept.members.get(CAROL)?.state).toBe('lost');
    const gone = fold([...lost, { kind: 'tick', at: 10 + 60_000 }], config).state;
    expect(gone.members.has(CAROL)).toBe(false);
    // Should she come back after all, what she said before is still a duplicate.
    expect(gone.chat.delivery.retired.get(`${CAROL}.1`)).toBe(1);
    const back = fold(
      [
        ...lost,
        { kind: 'tick', at: 10 + 60_000 },
        ...joined(3, CAROL, 'carol', 70_000),
        frameEvent(3, chat(CAROL, 1, ['c1'], {}, true), 70_001),
      ],
      config,
    ).effects.filter((e) => e.kind === 'emit' && e.event.event === 'message');
    expect(back).toHaveLength(1);
    expect(gone.dialer.redials.has(CAROL)).toBe(false);
  });

  it('a lost member back in the same incarnation is present again: its stream returns to the vector', () => {
    const config = testConfig({ peerTimeoutMs: 1e12 });
    const { state } = fold(
      [
        ...joined(1, BOB, 'bob'),
        ...joined(2, CAROL, 'carol'),
        frameEvent(2, chat(CAROL, 1, ['c1', 'c2'])),
        { kind: 'linkDown', at: 10, link: 2, reason: 'reset' },
        { kind: 'tick', at: 20 },
        ...joined(3, CAROL, 'carol', 30),
        { kind: 'tick', at: 40 },
      ],
      config,
    );
    expect(state.chat.delivery.vector.get(`${CAROL}.1`)).toBe(2);
    expect(state.chat.delivery.retired.has(`${CAROL}.1`)).toBe(false);
  });
});
