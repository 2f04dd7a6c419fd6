import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/core/effect.js';
import type { NodeEvent } from '../../src/core/event.js';
import { sendHave } from '../../src/core/gossip.js';
import { MAX_HEARD_ONLY } from '../../src/core/heard-of.js';
import { MAX_CHECKED_PER_FRAME, peersEvent } from '../../src/core/membership.js';
import { isPresentStream, presentStreams } from '../../src/core/present.js';
import type { NodeState } from '../../src/core/state.js';
import { step } from '../../src/core/step.js';
import type { Frame, HaveFrame } from '../../src/protocol/frames.js';
import { streamOf } from '../../src/protocol/frames.js';
import { frameJson } from '../../src/protocol/json-text.js';
import {
  burstFrom,
  directFrom,
  fold,
  frameEvent,
  handshake,
  hello,
  joined,
  LOWER,
  linkUp,
  memberEntry,
  SELF,
  testConfig,
} from '../helpers/core-fixtures.js';

const BOB = 'bb00000000000000';
const CAROL = 'cc00000000000000';

const chat = burstFrom;

const shown = (effects: readonly Effect[]) =>
  effects.flatMap((e) => (e.kind === 'emit' && e.event.event === 'message' ? [e.event] : []));
const sentChats = (effects: readonly Effect[]) =>
  effects.flatMap((e) => (e.kind === 'send' && e.frame.type === 'chat' ? [e.frame] : []));
const haveOf = (state: NodeState, link: number): HaveFrame => {
  const out: Effect[] = [];
  sendHave(state, link, out);
  const frame = out[0]?.kind === 'send' ? out[0].frame : undefined;
  return frame as HaveFrame;
};

/**
 * Which streams a node's metadata speaks of (present.ts), and what follows
 * from it: a peer that has what this node has is sent nothing back, a member
 * back on a second link speaks for its new incarnation, gossip cannot make
 * strangers present, a start survives retirement, and the message after a
 * gap is marked (what the skipped ones depended on is not known).
 */

describe('have and its answer speak of the streams present', () => {
  it('a peer with the very same history is sent nothing back; a newcomer on its first have gets it all', () => {
    const config = testConfig({ peerTimeoutMs: 1e12 });
    // 200 of bob's lines, who is lost then, and 100 lines of a stranger (no member) relayed.
    const STRANGER = 'ee00000000000000';
    const lines = [
      ...Array.from({ length: 200 }, (_, i) => chat(BOB, i + 1, [`b${i + 1}`])),
      ...Array.from({ length: 100 }, (_, i) => chat(STRANGER, i + 1, [`s${i + 1}`])),
    ];
    const { state } = fold(
      [
        ...joined(1, BOB, 'bob'),
        ...joined(2, CAROL, 'carol'),
        frameEvent(2, { type: 'have', vector: {}, floor: {} }, 1),
        ...lines.map((frame) => frameEvent(1, frame, 1)),
        { kind: 'linkDown', at: 10, link: 1, reason: 'reset' },
        frameEvent(1, { type: 'bye', reason: 'quit' }, 10),
        { kind: 'tick', at: 20 },
      ],
      config,
    );
    const replayedTo = (node: NodeState, have: HaveFrame, link: number) =>
      sentChats(step(node, frameEvent(link, have, 30)).effects).reduce(
        (n, f) => n + f.texts.length,
        0,
      );
    // Carol has exactly what this node has: her have is this node's own.
    expect(replayedTo(state, haveOf(state, 2), 2)).toBe(0);
    const newcomer = fold([...joined(4, 'dd00000000000000', 'dave', 25)], config).state;
    const withDave = {
      ...state,
      links: newcomer.links,
      members: new Map([...state.members, ...newcomer.members]),
    };
    expect(replayedTo(withDave, { type: 'have', vector: {}, floor: {} }, 4)).toBe(300);
  });
  it('300 have frames on one link get at most --history messages in answer per ping interval', () => {
    const config = testConfig({ peerTimeoutMs: 1e12 });
    const lines = Array.from({ length: 300 }, (_, i) => chat(BOB, i + 1, [`b${i + 1}`]));
    const { state } = fold(
      [
        ...joined(1, BOB, 'bob'),
        ...joined(2, CAROL, 'carol'),
        ...lines.map((f) => frameEvent(1, f, 1)),
      ],
      config,
    );
    const ask = (at: number) => frameEvent(2, { type: 'have', vector: {}, floor: {} }, at);
    const answered = (events: readonly NodeEvent[]) =>
      events.reduce(
        (acc, event) => {
          const result = step(acc.state, event);
          return {
            state: result.state,
            sent: acc.sent + sentChats(result.effects).reduce((n, f) => n + f.texts.length, 0),
          };
        },
        { state, sent: 0 },
      ).sent;
    const flood = Array.from({ length: 300 }, () => ask(10));
    expect(answered(flood)).toBe(config.historyLimit);
    // The next interval has its own budget.
    expect(answered([...flood, ask(10 + config.pingIntervalMs)])).toBe(config.historyLimit + 300);
  });

  it('a have names the newest 32 members lost (what a crashed member sent reaches all), and stays small', () => {
    const config = testConfig({ peerTimeoutMs: 1e12 });
    const events: NodeEvent[] = [...joined(1, BOB, 'bob')];
    const crashed = Array.from({ length: 40 }, (_, i) => `d${i.toString(16).padStart(15, '0')}`);
    for (const [i, id] of crashed.entries()) {
      events.push(...joined(10 + i, id, 'd', i), frameEvent(10 + i, chat(id, 1, ['x']), i));
      events.push({ kind: 'linkDown', at: i + 0.5, link: 10 + i, reason: 'reset' });
    }
    const { state } = fold(events, config);
    const have = haveOf(state, 1);
    const named = Object.keys(have.vector);
    expect(named.filter((stream) => stream.startsWith('d'))).toEqual(
      crashed
        .slice(8)
        .reverse()
        .map((id) => `${id}.1`),
    );
    expect(Object.keys(have.floor).every((stream) => !stream.startsWith('d'))).toBe(true);
    expect(Buffer.byteLength(frameJson(have))).toBeLessThan(4096);
  });

  it('a member that restarted onto a second link speaks for its new incarnation: replies depend on its lines', () => {
    const config = testConfig({ peerTimeoutMs: 1e12 });
    const low = (seq: number, texts: string[], inc: string) =>
      chat(LOWER, seq, texts, {}, { inc, name: 'low' });
    const { state, effects } = fold(
      [
        ...joined(1, LOWER, 'low'),
        frameEvent(1, low(1, ['old1', 'old2', 'old3'], '1'), 1),
        // It restarted (same --identity) and dialled in before the old link timed out; it has the
        // smaller id, so its new link is kept and the old one ended (bye duplicate).
        linkUp(2, 5),
        ...handshake(2, hello(LOWER, 'low', 9102, { inc: '2' }), 5),
        frameEvent(2, low(1, ['question?'], '2'), 6),
        { kind: 'tick', at: 7 },
        { kind: 'input', at: 8, lines: ['answer'] },
      ],
      config,
    );
    expect(state.members.get(LOWER)?.link).toBe(2);
    const reply = sentChats(effects).find((f) => f.texts[0] === 'answer');
    expect(reply?.deps).toEqual({ [`${LOWER}.2`]: 1 });
    expect(presentStreams(state).has(`${LOWER}.2`)).toBe(true);
  });
  it('a member that gossips 1,500 ids it holds keys for and relays a line of each makes none of them present', () => {
    const config = testConfig({ peerTimeoutMs: 1e12 });
    const fake = Array.from({ length: 1500 }, (_, i) => `f${i.toString(16).padStart(15, '0')}`);
    const events: NodeEvent[] = [...joined(1, BOB, 'bob'), ...joined(2, CAROL, 'carol')];
    for (let k = 0; k < fake.length; k += 500) {
      const members = fake
        .slice(k, k + 500)
        .map((id) => memberEntry(id, 'x', '10.0.0.9:1', { mesh: false }));
      events.push(frameEvent(1, { type: 'members', members } as Frame, 1));
    }
    for (const id of fake)
      events.push(frameEvent(1, chat(id, 1, ['.'], {}, { inc: 'i', name: 'x' }), 2));
    events.push({ kind: 'tick', at: 3 }, { kind: 'tick', at: 4 });
    events.push({ kind: 'input', at: 5, lines: ['hello room'] });
    const { state, effects } = fold(events, config);
    const have = haveOf(state, 2);
    const mine = sentChats(effects).find((f) => f.texts[0] === 'hello room');
    const entries = Object.keys(mine?.deps ?? {}).length;
    expect(Buffer.byteLength(frameJson(have))).toBeLessThan(4096);
    expect(entries).toBeLessThanOrEqual(2);
    expect(state.chat.delivery.vector.size).toBeLessThanOrEqual(3);
  });
  it('a stream started at its origin floor, retired and back: deps still claim only what was delivered', () => {
    const config = testConfig({ peerTimeoutMs: 1e12 });
    const carol = `${CAROL}.1`;
    const { effects } = fold(
      [
        ...joined(1, BOB, 'bob'),
        ...joined(2, CAROL, 'carol'),
        frameEvent(2, { type: 'have', vector: { [carol]: 30 }, floor: { [carol]: 30 } }, 1),
        { kind: 'input', at: 2, lines: ['before'] },
        { kind: 'linkDown', at: 3, link: 2, reason: 'reset' },
        { kind: 'tick', at: 4 },
        ...joined(3, CAROL, 'carol', 5),
        { kind: 'tick', at: 6 },
        { kind: 'input', at: 7, lines: ['after'] },
      ],
      config,
    );
    const chats = sentChats(effects).filter((f) => f.origin === SELF);
    expect(chats.find((f) => f.texts[0] === 'before')?.deps).toEqual({});
    // Nothing of carol was ever delivered: no member is made to wait for her first 30 lines.
    expect(chats.find((f) => f.texts[0] === 'after')?.deps).toEqual({});
  });
});

describe('the message after a gap', () => {
  const DAVE = 'dd00000000000000';
  const run = (daveDeps: Record<string, number>) => {
    const config = testConfig({ gapWaitMs: 5000, peerTimeoutMs: 1e12 });
    const { effects } = fold(
      [
        ...joined(1, BOB, 'bob'),
        ...joined(2, CAROL, 'carol'),
        ...joined(3, DAVE, 'dave'),
        // bob's question waits for carol:1, which never comes.
        frameEvent(1, chat(BOB, 1, ['question'], { [`${CAROL}.1`]: 1 }), 10),
        // dave:1 ("answer", deps {bob:1}) is lost everywhere; dave:2 is a follow-up to it.
        frameEvent(3, chat(DAVE, 2, ['follow-up'], daveDeps), 20),
        { kind: 'tick', at: 6000 },
      ],
      config,
    );
    return shown(effects).map((e) => `${e.text}${e.unmet === true ? ' (unmet)' : ''}`);
  };
  it('is marked unmet: what the skipped messages depended on (small deps name only changes) is not known', () => {
    expect(run({ [`${BOB}.1`]: 1 })).toEqual(['question (unmet)', 'follow-up (unmet)']);
    expect(run({})).toContain('follow-up (unmet)');
  });
});

describe('direct messages and peers, for members known', () => {
  const dm = (to: string) =>
    directFrom(BOB, to, 1, { name: 'bob', text: 'psst', time: '2026-01-01T00:00:00.000Z' });

  it('a direct message to an id nobody knows is dropped, not passed on to every member', () => {
    const linked = [...joined(1, BOB, 'bob'), ...joined(2, CAROL, 'carol')];
    const passed = (to: string) =>
      fold([...linked, frameEvent(1, dm(to), 5)]).effects.filter(
        (e) => e.kind === 'send' && e.frame.type === 'dm',
      );
    expect(passed('ff00000000000000')).toEqual([]);
    // To a member it knows, it is passed on.
    expect(passed(CAROL)).toMatchObject([{ links: [2] }]);
  });

  it('a member no longer linked has no round-trip time in peers', () => {
    const config = testConfig({ peerTimeoutMs: 1e12 });
    const { state } = fold(
      [
        ...joined(1, BOB, 'bob'),
        frameEvent(1, { type: 'pong', t: 0, seen: 0 }, 20),
        { kind: 'linkDown', at: 30, link: 1, reason: 'reset' },
      ],
      config,
    );
    expect(state.members.get(BOB)?.rttMs).toBe(20);
    expect(peersEvent(state).peers).toMatchObject([{ id: BOB, state: 'lost', rtt: null }]);
  });
});

describe('forwarding', () => {
  const ORIGIN = 'dd00000000000000';
  const line = chat(ORIGIN, 1, ['from a member linked with bob only']);
  const forwardedTo = (carolPeers: string[]) => {
    const { effects } = fold([
      ...joined(1, BOB, 'bob'),
      ...joined(2, CAROL, 'carol'),
      frameEvent(1, { type: 'links', peers: [ORIGIN, SELF, CAROL] }, 1),
      frameEvent(2, { type: 'links', peers: carolPeers }, 1),
      frameEvent(1, line, 2),
    ]);
    return effects.flatMap((e) =>
      e.kind === 'send' && e.frame.type === 'chat' ? [...e.links] : [],
    );
  };

  it('a live frame is not passed to a member linked with the one it came from: that one did', () => {
    expect(forwardedTo([SELF, BOB])).toEqual([]);
    // Carol not linked with bob: she needs it from this node.
    expect(forwardedTo([SELF])).toEqual([2]);
  });
});

describe('gossip that names thousands', () => {
  // Ids above this node's: it is the one to dial them.
  const entries = Array.from({ length: 4096 }, (_, i) =>
    memberEntry(
      `c${i.toString(16).padStart(15, '0')}`,
      'x',
      `127.0.0.${1 + (i % 200)}:${10_000 + i}`,
    ),
  );

  it('a members frame of 4,096 entries: 128 announcements checked, the rest left for later gossip', () => {
    const config = testConfig({ peerTimeoutMs: 1e12 });
    let checked = 0;
    const identity = {
      ...config.identity,
      verify: (...args: Parameters<typeof config.identity.verify>) => {
        checked += 1;
        return config.identity.verify(...args);
      },
    };
    const linked = fold(joined(1, BOB, 'bob'), { ...config, identity }).state;
    checked = 0;
    const { state } = step(linked, frameEvent(1, { type: 'members', members: entries }, 1));
    expect(checked).toBe(MAX_CHECKED_PER_FRAME);
    expect(state.members.size).toBe(1 + MAX_CHECKED_PER_FRAME);
  });

  it('512 members heard of (the most kept): at most 16 dials at once, none twice before all once', () => {
    // A full mesh asked for: every member heard of is to be dialled.
    const config = testConfig({ peerTimeoutMs: 1e12, links: Number.POSITIVE_INFINITY });
    let state = fold([...joined(1, BOB, 'bob')], config).state;
    const dials: string[] = [];
    const run = (event: NodeEvent) => {
      const result = step(state, event);
      state = result.state;
      const now = result.effects.flatMap((e) => (e.kind === 'dial' ? [e.target] : []));
      dials.push(...now);
      return now;
    };
    const frames = Array.from({ length: 32 }, (_, k) => entries.slice(k * 128, (k + 1) * 128));
    expect(
      frames.flatMap((members) => run(frameEvent(1, { type: 'members', members }, 1))),
    ).toHaveLength(16);
    // Members only heard of are bounded: the first 512 are kept, the rest not taken.
    expect(state.members.size).toBe(1 + MAX_HEARD_ONLY);
    // Every dial fails; each tick dials the next ones, never more than 16 in flight.
    for (let tick = 0; tick < 31; tick++) {
      for (const target of [...state.dialer.dialing]) {
        const id = entries.find((e) => e.address === target)?.id ?? '';
        run({
          kind: 'dialFailed',
          at: 2 + tick,
          target,
          purpose: { kind: 'gossip', member: id },
          reason: 'refused',
        });
      }
      expect(run({ kind: 'tick', at: 2 + tick }).length).toBeLessThanOrEqual(16);
    }
    const perTarget = new Map<string, number>();
    for (const target of dials) perTarget.set(target, (perTarget.get(target) ?? 0) + 1);
    // 16 dials per tick, the next members each time: none dialled again before the others.
    expect(perTarget.size).toBe(16 * 32);
    expect(Math.max(...perTarget.values())).toBe(1);
  });

  it('a member heard of is dialled at most 3 times', () => {
    const config = testConfig({ peerTimeoutMs: 1e12 });
    const info = memberEntry('c000000000000001', 'x', '127.0.0.9:9');
    let state = fold([...joined(1, BOB, 'bob')], config).state;
    let dials = 0;
    const run = (event: NodeEvent) => {
      const result = step(state, event);
      state = result.state;
      dials += result.effects.filter((e) => e.kind === 'dial').length;
    };
    run(frameEvent(1, { type: 'members', members: [info] }, 1));
    for (let tick = 0; tick < 10; tick++) {
      const failed = { kind: 'gossip' as const, member: info.id };
      if (state.dialer.dialing.has(info.address))
        run({
          kind: 'dialFailed',
          at: 2 + tick,
          target: info.address,
          purpose: failed,
          reason: 'x',
        });
      run(frameEvent(1, { type: 'members', members: [info] }, 2 + tick));
      run({ kind: 'tick', at: 2 + tick });
    }
    expect(dials).toBe(3);
    expect(state.members.get(info.id)?.state).toBe('known');
  });
});

describe('one stream looked up for itself', () => {
  it('is present exactly when presentStreams lists it: linked, reached, lost, of another incarnation, or a stranger', () => {
    const DAVE = 'dd00000000000000';
    for (const links of [undefined, 1]) {
      const config = testConfig(links === undefined ? {} : { links });
      const { state } = fold(
        [
          ...joined(1, BOB, 'bob'),
          ...joined(2, CAROL, 'carol'),
          frameEvent(
            1,
            { type: 'members', members: [memberEntry(DAVE, 'dave', '127.0.0.1:9300')] },
            5,
          ),
          frameEvent(1, { type: 'links', peers: [SELF, DAVE] }, 6),
          { kind: 'linkDown', at: 10, link: 2, reason: 'closed' },
          { kind: 'tick', at: 200 },
        ],
        config,
      );
      const present = presentStreams(state);
      const candidates = [
        ...present,
        ...['0', '1', '2', 'x'].flatMap((inc) =>
          [BOB, CAROL, DAVE, SELF, 'ee00000000000000'].map((id) => streamOf(id, inc)),
        ),
      ];
      // Bob linked, and (links bounded) dave reached through bob's links; carol lost.
      expect(present.has(streamOf(BOB, '1'))).toBe(true);
      expect(present.has(streamOf(DAVE, '1'))).toBe(links !== undefined);
      expect(present.has(streamOf(CAROL, '1'))).toBe(false);
      for (const stream of candidates)
        expect(isPresentStream(state, stream, links !== undefined), `${links} ${stream}`).toBe(
          present.has(stream),
        );
    }
  });
});
