import { describe, expect, it } from 'vitest';
import type { NodeEvent } from '../../src/core/event.js';
import { initialState } from '../../src/core/state.js';
import { step } from '../../src/core/step.js';
import {
  chatFrom,
  fold,
  frameEvent,
  HIGHER,
  handshake,
  hello,
  JOIN_KINDS,
  joined,
  kinds,
  LOWER,
  linkUp,
  memberEntry,
  proof,
  SELF,
  testConfig,
} from '../helpers/core-fixtures.js';

const BOB = 'bb00000000000000';
const CAROL = 'cc00000000000000';

describe('the peer set, as a plain function of the events (table)', () => {
  const cases: [string, NodeEvent[], Record<string, string>][] = [
    ['a handshake joins the member', joined(1, BOB, 'bob'), { [BOB]: 'linked' }],
    [
      'two members join',
      [...joined(1, BOB, 'bob'), ...joined(2, CAROL, 'carol')],
      { [BOB]: 'linked', [CAROL]: 'linked' },
    ],
    [
      'bye then close: left (quit)',
      [
        ...joined(1, BOB, 'bob'),
        frameEvent(1, { type: 'bye', reason: 'quit' }),
        { kind: 'linkDown', at: 1, link: 1, reason: 'closed' },
      ],
      { [BOB]: 'quit' },
    ],
    [
      'close without bye: left (lost)',
      [...joined(1, BOB, 'bob'), { kind: 'linkDown', at: 1, link: 1, reason: 'reset' }],
      { [BOB]: 'lost' },
    ],
    ['a connection without hello is no member', [linkUp(1)], {}],
    [
      'a member joining twice stays one member',
      [...joined(1, BOB, 'bob'), ...joined(2, BOB, 'bob')],
      { [BOB]: 'linked' },
    ],
    [
      'a leave for an unknown link changes nothing',
      [{ kind: 'linkDown', at: 1, link: 99, reason: 'x' }],
      {},
    ],
    ['a hello with our own id is no member', [linkUp(1), frameEvent(1, hello(SELF, 'self'))], {}],
    [
      'a hello of another major version is no member',
      [linkUp(1), frameEvent(1, hello(BOB, 'bob', 9100, { v: 2 }))],
      {},
    ],
    [
      'gossip makes a member known',
      [
        ...joined(1, BOB, 'bob'),
        frameEvent(1, {
          type: 'members',
          members: [memberEntry(CAROL, 'carol', '127.0.0.1:9300', { mesh: false })],
        }),
      ],
      { [BOB]: 'linked', [CAROL]: 'known' },
    ],
    [
      'gossip about a larger id makes us dial it',
      [
        ...joined(1, BOB, 'bob'),
        frameEvent(1, {
          type: 'members',
          members: [memberEntry(CAROL, 'carol', '127.0.0.1:9300')],
        }),
      ],
      { [BOB]: 'linked', [CAROL]: 'connecting' },
    ],
    [
      'gossip about ourselves is ignored',
      [
        ...joined(1, BOB, 'bob'),
        frameEvent(1, {
          type: 'members',
          members: [memberEntry(SELF, 'self', '127.0.0.1:9000')],
        }),
      ],
      { [BOB]: 'linked' },
    ],
  ];

  it.each(cases)('%s', (_name, events, expected) => {
    const { state } = fold(events);
    const states = Object.fromEntries([...state.members.values()].map((m) => [m.id, m.state]));
    expect(states).toEqual(expected);
  });

  it('never changes its input, and a no-op returns the same state', () => {
    const { state } = fold(joined(1, BOB, 'bob'));
    const snapshot = structuredClone({ links: [...state.links], members: [...state.members] });
    const result = step(state, frameEvent(1, chatFrom(BOB, 'bob', ['x'])));
    expect({ links: [...state.links], members: [...state.members] }).toEqual(snapshot);
    expect(result.state).not.toBe(state);
    const noop = step(state, { kind: 'linkDown', at: 5, link: 42, reason: 'x' });
    expect(noop.state).toBe(state);
    expect(noop.effects).toEqual([]);
  });
});

describe('the effects of the step', () => {
  it('a join says hello, shows the member, and gossips it both ways (to the others 50 ms after the first join)', () => {
    const { effects } = fold([
      ...joined(1, BOB, 'bob'),
      ...joined(2, CAROL, 'carol'),
      { kind: 'tick', at: 50 },
    ]);
    expect(kinds(effects)).toEqual([
      'send:hello',
      'send:proof',
      'member',
      'emit:join',
      'send:have',
      'send:links',
      ...JOIN_KINDS,
      'send:members',
    ]);
    const join = effects.find(
      (e) => e.kind === 'emit' && e.event.event === 'join' && e.event.id === CAROL,
    );
    expect(join).toMatchObject({ event: { address: '127.0.0.1:9102' } });
    // Carol is told at once whom this node is linked with; everyone hears of both joins in one frame.
    const members = effects.filter((e) => e.kind === 'send' && e.frame.type === 'members');
    expect(members[0]).toMatchObject({ links: [2], frame: { members: [{ id: BOB }] } });
    expect(members[1]).toMatchObject({
      links: [1, 2],
      frame: { members: [{ id: BOB }, { id: CAROL }] },
    });
    expect(effects.at(-2)).toMatchObject({ links: [1, 2], frame: { peers: [BOB, CAROL] } });
  });

  it('while this node is still dialling members, a grown link set is told at most once per ping interval', () => {
    const dave = memberEntry('dd00000000000000', 'dave', '127.0.0.1:9300');
    const linksAt = (events: NodeEvent[]): number[] => {
      let state = initialState(testConfig());
      const times: number[] = [];
      for (const event of events) {
        const result = step(state, event);
        state = result.state;
        for (const e of result.effects)
          if (e.kind === 'send' && e.frame.type === 'links') times.push(event.at);
      }
      return times;
    };
    const start = [
      ...joined(1, BOB, 'bob', 0),
      frameEvent(1, { type: 'members', members: [dave] }, 5),
    ];
    // Bob's join is told at once; carol's waits while the dial to dave is in flight, up to 1 s.
    expect(linksAt([...start, ...joined(2, CAROL, 'carol', 10), { kind: 'tick', at: 50 }])).toEqual(
      [0],
    );
    expect(
      linksAt([...start, ...joined(2, CAROL, 'carol', 10), { kind: 'tick', at: 1000 }]),
    ).toEqual([0, 1000]);
  });

  it('a member that pings is not pinged back, unless its RTT is stale or our messages are unconfirmed', () => {
    const ping = (at: number): NodeEvent => frameEvent(1, { type: 'ping', t: at }, at);
    const tick = (at: number): NodeEvent => ({ kind: 'tick', at });
    const pingedAt = (events: NodeEvent[]): number[] =>
      fold(events)
        .effects.filter((e) => e.kind === 'send' && e.frame.type === 'ping')
        .map((e) => (e.kind === 'send' && e.frame.type === 'ping' ? e.frame.t : -1));
    const start = [
      ...joined(1, BOB, 'bob'),
      tick(1000),
      frameEvent(1, { type: 'pong', t: 1000 }, 1001),
    ];
    // First ping for an RTT; then bob pings every second: no ping from us until the RTT is 10 s old.
    const quiet = [...start];
    for (let t = 1500; t <= 11_500; t += 1000) quiet.push(ping(t), tick(t + 500));
    expect(pingedAt(quiet)).toEqual([1000, 12_000]);
    // Bob stops pinging: we ping again at the next interval.
    expect(pingedAt([...start, ping(1500), tick(2000), tick(3000)])).toEqual([1000, 3000]);
    // A line of ours that bob has not confirmed: pinged although bob pings (pongs carry "seen").
    expect(
      pingedAt([...start, { kind: 'input', at: 1200, lines: ['hi'] }, ping(1500), tick(2000)]),
    ).toEqual([1000, 2000]);
  });

  it('the address of a member is where the connection came from plus its listen port, or its advertise', () => {
    const seen = fold([
      linkUp(1, 0, { remote: '[::ffff:10.1.2.3]:5000' }),
      ...handshake(1, hello(BOB, 'bob', 7000)),
    ]);
    expect(seen.state.members.get(BOB)?.address).toBe('10.1.2.3:7000');
    const v6 = fold([
      linkUp(1, 0, { remote: '[::1]:5000' }),
      ...handshake(1, hello(BOB, 'bob', 7000)),
    ]);
    expect(v6.state.members.get(BOB)?.address).toBe('[::1]:7000');
    const advertised = fold([
      linkUp(1),
      ...handshake(1, hello(BOB, 'bob', 7000, { advertise: 'chat.example:443' })),
    ]);
    expect(advertised.state.members.get(BOB)?.address).toBe('chat.example:443');
  });

  it('one frame carries a burst of lines, each with its own sequence number', () => {
    const { effects, state } = fold([
      ...joined(1, BOB, 'bob'),
      { kind: 'input', at: 1000, lines: ['one', 'two\r', '', 'three'] },
    ]);
    const chat = effects.filter((e) => e.kind === 'send' && e.frame.type === 'chat');
    expect(chat).toHaveLength(1);
    expect(chat[0]).toMatchObject({
      links: [1],
      frame: { seq: 1, texts: ['one', 'two', 'three'] },
    });
    expect(state.chat.seq).toBe(3);
  });

  it('a chat frame shows one message event per line, with ids origin:seq', () => {
    const { effects } = fold([
      ...joined(1, BOB, 'bob'),
      frameEvent(1, chatFrom(BOB, 'bob', ['a', 'b'], { time: 't1', acts: [1] })),
    ]);
    const messages = effects.flatMap((e) =>
      e.kind === 'emit' && e.event.event === 'message' ? [e.event] : [],
    );
    expect(messages).toEqual([
      {
        event: 'message',
        from: 'bob',
        origin: BOB,
        id: `${BOB}.1:1`,
        text: 'a',
        time: 't1',
        history: false,
        action: false,
      },
      {
        event: 'message',
        from: 'bob',
        origin: BOB,
        id: `${BOB}.1:2`,
        text: 'b',
        time: 't1',
        history: false,
        action: true,
      },
    ]);
  });

  it('lines typed before the initial dials settle are held, then sent', () => {
    const config = testConfig({ peers: ['127.0.0.1:9100'] });
    const events: NodeEvent[] = [
      { kind: 'start', at: 0 },
      { kind: 'input', at: 1, lines: ['early'] },
      linkUp(1, 2, { direction: 'out', target: '127.0.0.1:9100', purpose: { kind: 'initial' } }),
    ];
    const before = fold(events, config);
    expect(before.state.chat.waiting).toEqual(['early']);
    expect(kinds(before.effects)).not.toContain('send:chat');
    const after = fold([...events, ...handshake(1, hello(BOB, 'bob'), 3)], config);
    expect(after.state.chat.waiting).toEqual([]);
    expect(after.effects.filter((e) => e.kind === 'send' && e.frame.type === 'chat')).toHaveLength(
      1,
    );
  });

  it('the end of stdin waits for the initial dials, then sends the held lines; nobody heard them: exit 3', () => {
    const config = testConfig({ peers: ['127.0.0.1:9100'] });
    const { effects } = fold(
      [
        { kind: 'start', at: 0 },
        { kind: 'input', at: 1, lines: ['x'] },
        { kind: 'inputEnd', at: 1 },
        {
          kind: 'dialFailed',
          at: 5,
          target: '127.0.0.1:9100',
          purpose: { kind: 'initial' },
          reason: 'refused',
        },
      ],
      config,
    );
    expect(kinds(effects)).toEqual(['emit:ready', 'dial', 'warn', 'warn', 'exit']);
    expect(effects.at(-2)).toEqual({ kind: 'warn', warning: { code: 'nobodyHeard', lines: 1 } });
    expect(effects.at(-1)).toEqual({ kind: 'exit', code: 3, now: false });
  });

  it('the end of stdin starts the linger at once; what waited for the dials goes to whoever links within it', () => {
    const config = testConfig({ peers: ['127.0.0.1:9100'] });
    const ended = fold(
      [
        { kind: 'start', at: 0 },
        { kind: 'input', at: 1, lines: ['x', '/peers'] },
        { kind: 'inputEnd', at: 1 },
      ],
      config,
    );
    expect(ended.state.leaving).toEqual({ phase: 'lingering', deadline: 5001, urgent: false });
    expect(ended.state.chat.waiting).toEqual(['x', '/peers']);
    const linked = step(
      ended.state,
      linkUp(1, 100, { direction: 'out', target: '127.0.0.1:9100', purpose: { kind: 'initial' } }),
    ).state;
    const joinedThen = fold([...handshake(1, hello(BOB, 'bob'), 101)]);
    void joinedThen;
    let state = linked;
    const effects: string[] = [];
    for (const event of [...handshake(1, hello(BOB, 'bob'), 101)]) {
      const result = step(state, event);
      state = result.state;
      effects.push(...kinds(result.effects));
    }
    // Bob links within the linger: the line goes to him and /peers runs.
    expect(effects).toContain('send:chat');
    expect(effects).toContain('emit:peers');
    expect(state.chat.waiting).toEqual([]);
  });

  it('leaving with a second named peer still pending: the first member to link gets what waited', () => {
    const config = testConfig({ peers: ['127.0.0.1:9100', '127.0.0.1:9200'] });
    const ended = fold(
      [
        { kind: 'start', at: 0 },
        { kind: 'input', at: 1, lines: ['hi'] },
        { kind: 'inputEnd', at: 1 },
        linkUp(1, 2, { direction: 'out', target: '127.0.0.1:9100', purpose: { kind: 'initial' } }),
        frameEvent(1, hello(BOB, 'bob'), 3),
      ],
      config,
    );
    const linked = step(ended.state, frameEvent(1, proof(1, hello(BOB, 'bob')), 3));
    expect(linked.state.dialer.initialPending.has('127.0.0.1:9200')).toBe(true);
    expect(kinds(linked.effects)).toContain('send:chat');
    expect(linked.state.chat.waiting).toEqual([]);
  });

  it('a SIGTERM after the end of stdin sends what waited for the dials at once', () => {
    const config = testConfig({ peers: ['127.0.0.1:9100'] });
    const { state, effects } = fold(
      [
        { kind: 'start', at: 0 },
        { kind: 'input', at: 1, lines: ['hi'] },
        { kind: 'inputEnd', at: 1 },
        { kind: 'signal', at: 2, signal: 'SIGTERM' },
      ],
      config,
    );
    // Nobody linked when it went out: nobody heard it, said at once, exit 3 (no link to close).
    expect(state.chat.waiting).toEqual([]);
    expect(state.chat.unheard).toBe(1);
    expect(effects.at(-1)).toEqual({ kind: 'exit', code: 3, now: false });
  });

  it('a refused line or /msg makes the exit 3, with one line saying so', () => {
    for (const line of ['x'.repeat(16_001), '/msg nobody hi']) {
      const { state, effects } = fold([
        ...joined(1, BOB, 'bob'),
        { kind: 'input', at: 1, lines: [line] },
        { kind: 'inputEnd', at: 2 },
      ]);
      expect(effects.filter((e) => e.kind === 'warn').at(-1)).toEqual({
        kind: 'warn',
        warning: { code: 'refusedLines', lines: 1 },
      });
      expect(state.leaving).toMatchObject({ phase: 'closing', code: 3 });
    }
  });

  it('a /msg that would not fit in one frame once encoded is refused, nothing sent', () => {
    // 15,000 escape characters: within the line limit, but 90 KB once JSON-escaped.
    const { effects } = fold([
      ...joined(1, BOB, 'bob'),
      { kind: 'input', at: 1, lines: [`/msg bob ${'\u001b'.repeat(15_000)}`] },
    ]);
    expect(effects.filter((e) => e.kind === 'send' && e.frame.type === 'dm')).toEqual([]);
    expect(effects.filter((e) => e.kind === 'warn')).toMatchObject([
      { warning: { code: 'lineUnfit' } },
    ]);
  });

  it('a node that sent nothing, or whose lines every present member confirmed, exits 0', () => {
    const quiet = fold([...joined(1, BOB, 'bob'), { kind: 'inputEnd', at: 2 }]);
    expect(quiet.state.leaving).toMatchObject({ phase: 'closing', code: 0 });
    const heard = fold([
      ...joined(1, BOB, 'bob'),
      { kind: 'input', at: 1, lines: ['hi'] },
      { kind: 'inputEnd', at: 2 },
      frameEvent(1, { type: 'pong', t: 2, seen: 1 }, 3),
    ]);
    expect(heard.state.leaving).toMatchObject({ phase: 'closing', code: 0 });
  });

  it('a second SIGINT while leaving exits at once with 130', () => {
    const first = fold([...joined(1, BOB, 'bob'), { kind: 'signal', at: 1, signal: 'SIGINT' }]);
    // Goodbye said, bob's link still closing: no exit yet.
    expect(first.effects.filter((e) => e.kind === 'exit')).toEqual([]);
    expect(first.state.leaving.phase).toBe('closing');
    const second = step(first.state, { kind: 'signal', at: 2, signal: 'SIGINT' });
    expect(second.effects).toEqual([{ kind: 'exit', code: 130, now: true }]);
  });

  it('after the goodbye the node exits when the last link is down, or at most 500 ms later', () => {
    const left = fold([
      ...joined(1, BOB, 'bob'),
      ...joined(2, CAROL, 'carol'),
      { kind: 'inputEnd', at: 10 },
    ]);
    expect(left.state.leaving).toEqual({ phase: 'closing', code: 0, until: 510 });
    expect(kinds(left.effects).slice(-3)).toEqual(['send:bye', 'close', 'close']);
    // Bob's end goes down, then carol's: exit 0 with the last.
    const bobDown = step(left.state, { kind: 'linkDown', at: 20, link: 1, reason: 'closed' });
    expect(bobDown.effects).toEqual([]);
    const carolDown = step(bobDown.state, { kind: 'linkDown', at: 30, link: 2, reason: 'closed' });
    expect(carolDown.effects).toEqual([{ kind: 'exit', code: 0, now: false }]);
    // Carol never closes: the wait ends at 510 ms; frames meanwhile change nothing.
    const ignored = step(bobDown.state, frameEvent(2, chatFrom(CAROL, 'carol', ['late']), 100));
    expect(ignored.effects).toEqual([]);
    expect(step(bobDown.state, { kind: 'tick', at: 509 }).effects).toEqual([]);
    expect(step(bobDown.state, { kind: 'tick', at: 510 }).effects).toEqual([
      { kind: 'exit', code: 0, now: false },
    ]);
  });

  it('saying goodbye while stdout is behind reads the links again: their ends are awaited', () => {
    const { effects } = fold([
      ...joined(1, BOB, 'bob'),
      { kind: 'readingHeld', at: 5, held: true },
      { kind: 'inputEnd', at: 10 },
    ]);
    expect(kinds(effects).slice(-4)).toEqual(['holdReading', 'send:bye', 'close', 'holdReading']);
    expect(effects.at(-1)).toEqual({ kind: 'holdReading', held: false });
  });

  it('backpressure: a congested link holds stdin, stdout behind holds the links', () => {
    const { state } = fold(joined(1, BOB, 'bob'));
    expect(step(state, { kind: 'congestion', at: 5, link: 1, congested: true }).effects).toEqual([
      { kind: 'holdInput', held: true },
    ]);
    expect(step(state, { kind: 'congestion', at: 6, link: 1, congested: false }).effects).toEqual([
      { kind: 'holdInput', held: false },
    ]);
    const held = step(state, { kind: 'readingHeld', at: 7, held: true });
    expect(held.effects).toEqual([{ kind: 'holdReading', held: true }]);
    expect(held.state.liveness.readingHeldSince).toBe(7);
  });

  it('commands: /peers, /help, unknown commands and //text', () => {
    const { effects } = fold([
      ...joined(1, BOB, 'bob'),
      { kind: 'input', at: 1, lines: ['/peers', '/help', '/frobnicate', '//slash'] },
    ]);
    expect(effects.find((e) => e.kind === 'emit' && e.event.event === 'peers')).toMatchObject({
      event: { peers: [{ user: 'bob', id: BOB, address: '127.0.0.1:9101', state: 'linked' }] },
    });
    expect(effects.filter((e) => e.kind === 'help')).toHaveLength(1);
    expect(effects.find((e) => e.kind === 'warn')).toMatchObject({
      warning: { code: 'unknownCommand', name: 'frobnicate' },
    });
    expect(effects.find((e) => e.kind === 'send' && e.frame.type === 'chat')).toMatchObject({
      frame: { texts: ['/slash'] },
    });
  });

  it('two members with one name are both kept and told apart by id', () => {
    const { state, effects } = fold([...joined(1, LOWER, 'zed'), ...joined(2, HIGHER, 'zed')]);
    expect(state.members.size).toBe(2);
    const joins = effects.flatMap((e) =>
      e.kind === 'emit' && e.event.event === 'join' ? [{ who: e.who, newKey: e.newKey }] : [],
    );
    // The second zed has another key: flagged, as a name seen before with a different key.
    expect(joins).toEqual([
      { who: { name: 'zed', id: LOWER, tagged: false }, newKey: undefined },
      { who: { name: 'zed', id: HIGHER, tagged: true }, newKey: true },
    ]);
  });

  it('junk before the handshake closes the connection; junk after it only warns', () => {
    const before = fold([
      linkUp(1),
      { kind: 'badInput', at: 1, link: 1, problem: 'sent junk', fatal: false },
    ]);
    expect(kinds(before.effects)).toEqual(['send:hello', 'warn', 'close']);
    const after = fold([
      ...joined(1, BOB, 'bob'),
      { kind: 'badInput', at: 1, link: 1, problem: 'sent junk', fatal: false },
    ]);
    expect(kinds(after.effects).slice(-1)).toEqual(['warn']);
  });
});

describe('initial state', () => {
  it('is empty and staying', () => {
    const state = initialState(testConfig());
    expect(state.members.size).toBe(0);
    expect(state.leaving).toEqual({ phase: 'staying' });
  });
});
