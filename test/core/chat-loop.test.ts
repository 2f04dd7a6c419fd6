import { filter, map, merge, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/core/effect.js';
import type { NodeEvent } from '../../src/core/event.js';
import { warningText } from '../../src/render/warning-text.js';
import {
  chatFrom,
  frameEvent,
  HIGHER,
  handshake,
  hello,
  LOWER,
  linkUp,
  proof,
  testConfig,
} from '../helpers/core-fixtures.js';
import type { DialAnswer } from '../helpers/virtual-node.js';
import { virtualNode } from '../helpers/virtual-node.js';

const BOB = 'bb00000000000000';

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** What a person would see, as short strings. */
function shown(effects: Observable<Effect>): Observable<string> {
  return effects.pipe(
    filter((e): e is Extract<Effect, { kind: 'emit' }> => e.kind === 'emit'),
    map(({ event }) => {
      switch (event.event) {
        case 'message':
          return `${event.from}:${event.text}`;
        case 'leave':
          return `${event.user} ${event.reason}`;
        case 'join':
        case 'ready':
          return `${event.user} ${event.event}`;
        default:
          return event.event;
      }
    }),
  );
}

describe('the merged stream (marbles)', () => {
  it('joins, messages, leaves, and the shutdown when stdin completes', () => {
    const ts = scheduler();
    ts.run(({ hot, expectObservable }) => {
      const start$ = hot<NodeEvent>('s', { s: { kind: 'start', at: 0 } });
      const link$ = hot<NodeEvent>('-u-hpc---q-d', {
        u: linkUp(1),
        h: frameEvent(1, hello(BOB, 'bob')),
        p: frameEvent(1, proof(1, hello(BOB, 'bob'))),
        c: frameEvent(1, chatFrom(BOB, 'bob', ['hi'])),
        q: frameEvent(1, { type: 'bye', reason: 'quit' }),
        d: { kind: 'linkDown', at: 0, link: 1, reason: 'closed' },
      });
      const stdin$ = hot<NodeEvent>('------------e', { e: { kind: 'inputEnd', at: 0 } });
      const effects = virtualNode(ts, testConfig(), merge(start$, link$, stdin$), {
        forMs: 5000,
      });
      expectObservable(shown(effects), '^ 4s !').toBe('r---jm---l', {
        r: 'self ready',
        j: 'bob join',
        m: 'bob:hi',
        l: 'bob quit',
      });
      expectObservable(effects.pipe(filter((e) => e.kind === 'exit')), '^ 4s !').toBe(
        '------------x',
        {
          x: { kind: 'exit', code: 0, now: false },
        },
      );
    });
  });

  it('a member silent for the peer timeout is lost at exactly that time', () => {
    const ts = scheduler();
    ts.run(({ hot, expectObservable }) => {
      const config = testConfig({ peerTimeoutMs: 3000, mesh: false });
      const events = hot<NodeEvent>('u hp', {
        u: linkUp(1, 0),
        h: frameEvent(1, hello(BOB, 'bob'), 2),
        p: frameEvent(1, proof(1, hello(BOB, 'bob'), { config }), 2),
      });
      const effects = virtualNode(ts, config, events, { forMs: 6000 });
      // Last heard when the link opened, at 0 ms: lost at 3000 ms, the alarm set for that moment.
      expectObservable(shown(effects).pipe(filter((s) => s.endsWith('lost'))), '^ 5s !').toBe(
        '3000ms l',
        { l: 'bob lost' },
      );
    });
  });

  it('while reading is held for stdout, silence is not judged, and the time held does not count', () => {
    const ts = scheduler();
    ts.run(({ hot, expectObservable }) => {
      // Linked at 2 ms; reading held from 1000 ms to 4000 ms (stdout fell behind).
      const config = testConfig({ peerTimeoutMs: 3000, mesh: false });
      const events = hot<NodeEvent>('u hp 997ms H 2999ms R', {
        u: linkUp(1, 0),
        h: frameEvent(1, hello(BOB, 'bob'), 2),
        p: frameEvent(1, proof(1, hello(BOB, 'bob'), { config }), 2),
        H: { kind: 'readingHeld', at: 0, held: true },
        R: { kind: 'readingHeld', at: 0, held: false },
      });
      const effects = virtualNode(ts, config, events, { forMs: 10_000 });
      // Not lost at 3000 ms (held). The 3 s held do not count: silent since 0 ms, plus 3000 ms
      // held, plus the 3000 ms timeout: lost at 6000 ms.
      expectObservable(shown(effects).pipe(filter((s) => s.endsWith('lost'))), '^ 9s !').toBe(
        '6000ms l',
        { l: 'bob lost' },
      );
    });
  });

  it('pings every linked member at the ping interval, in one frame for all links', () => {
    const ts = scheduler();
    ts.run(({ hot, expectObservable }) => {
      const config = testConfig({ peerTimeoutMs: 3500, pingIntervalMs: 1000, mesh: false });
      const events = hot<NodeEvent>('u hp', {
        u: linkUp(1),
        h: frameEvent(1, hello(BOB, 'bob')),
        p: frameEvent(1, proof(1, hello(BOB, 'bob'), { config })),
      });
      const effects = virtualNode(ts, config, events, {
        forMs: 5000,
      });
      const pings = effects.pipe(
        filter((e) => e.kind === 'send' && e.frame.type === 'ping'),
        map(() => 'p'),
      );
      expectObservable(pings, '^ 3600ms !').toBe('1000ms p 999ms p 999ms p', { p: 'p' });
    });
  });
});

/** Marble values: bob, dialled from the command line, links (u, h, p) and is lost (d). */
const BOB_LINKED_THEN_LOST: Record<string, NodeEvent> = {
  u: linkUp(1, 0, { direction: 'out', target: '127.0.0.1:9101', purpose: { kind: 'initial' } }),
  h: frameEvent(1, hello(BOB, 'bob', 9101)),
  p: frameEvent(1, proof(1, hello(BOB, 'bob', 9101))),
  d: { kind: 'linkDown', at: 0, link: 1, reason: 'reset' },
};

describe('redial backoff (virtual time)', () => {
  const TEN_MINUTES = 600_000;

  const refuse: DialAnswer = (dial, at) => [
    { kind: 'dialFailed', at, target: dial.target, purpose: dial.purpose, reason: 'refused' },
  ];

  it('doubles from 250 ms to the 30 s cap, then gives up after 10 minutes', () => {
    const ts = scheduler();
    const dialTimes: number[] = [];
    const warnings: string[] = [];
    ts.run(({ hot }) => {
      const config = testConfig({ peers: ['127.0.0.1:9101'], redialForMs: TEN_MINUTES });
      // Linked at once, lost at 1000 ms.
      const events = hot<NodeEvent>('u hp 997ms d', BOB_LINKED_THEN_LOST);
      const effects = virtualNode(ts, config, events, {
        forMs: 700_000,
        answer: refuse,
      });
      effects.subscribe((e) => {
        if (e.kind === 'dial' && e.purpose.kind === 'redial') dialTimes.push(ts.now());
        if (e.kind === 'warn') warnings.push(`${ts.now()} ${warningText(e.warning)}`);
      });
    });
    const lostAt = 1000;
    const gaps = dialTimes.map((t, i) => t - (i === 0 ? lostAt : (dialTimes[i - 1] ?? 0)));
    expect(gaps.slice(0, 8)).toEqual([250, 500, 1000, 2000, 4000, 8000, 16_000, 30_000]);
    expect(new Set(gaps.slice(7))).toEqual(new Set([30_000]));
    expect(dialTimes.at(-1)).toBe(lostAt + 571_750);
    expect(dialTimes.at(-1)).toBeLessThanOrEqual(lostAt + TEN_MINUTES);
    expect(warnings.filter((w) => w.includes('gave up'))).toEqual([
      `${lostAt + 571_750} gave up redialling bob at 127.0.0.1:9101`,
    ]);
  });

  it('a named peer that is not up is tried again with the same backoff, said once, until --redial-for', () => {
    const ts = scheduler();
    const dialTimes: number[] = [];
    const warnings: string[] = [];
    ts.run(({ hot }) => {
      const config = testConfig({ peers: ['127.0.0.1:9101'], redialForMs: 10_000 });
      const effects = virtualNode(
        ts,
        config,
        hot<NodeEvent>('s', { s: { kind: 'start', at: 0 } }),
        {
          forMs: 30_000,
          answer: refuse,
        },
      );
      effects.subscribe((e) => {
        if (e.kind === 'dial') dialTimes.push(ts.now());
        if (e.kind === 'warn') warnings.push(`${ts.now()} ${warningText(e.warning)}`);
      });
    });
    // The first dial at 0, then 250, 500, 1000, 2000, 4000 ms apart; the next (8 s) would pass 10 s.
    expect(dialTimes).toEqual([0, 250, 750, 1750, 3750, 7750]);
    expect(warnings).toEqual([
      '0 still trying 127.0.0.1:9101 (attempt 1, next in 0.3 s): refused',
      '7750 gave up dialling 127.0.0.1:9101',
    ]);
  });

  it('resets after a successful redial', () => {
    const ts = scheduler();
    const dialTimes: number[] = [];
    let attempt = 0;
    const failOnceThenAnswer: DialAnswer = (dial, at) => {
      attempt += 1;
      if (attempt === 1) return refuse(dial, at);
      return [
        linkUp(10 + attempt, at, { direction: 'out', target: dial.target, purpose: dial.purpose }),
        ...handshake(10 + attempt, hello(BOB, 'bob', 9101), at),
      ];
    };
    ts.run(({ hot }) => {
      const events = hot<NodeEvent>('u hp 997ms d 4999ms x', {
        ...BOB_LINKED_THEN_LOST,
        x: { kind: 'linkDown', at: 0, link: 12, reason: 'reset' },
      });
      const effects = virtualNode(
        ts,
        testConfig({ peers: ['127.0.0.1:9101'], peerTimeoutMs: 60_000 }),
        events,
        { forMs: 20_000, answer: failOnceThenAnswer },
      );
      effects.subscribe((e) => {
        if (e.kind === 'dial') dialTimes.push(ts.now());
      });
    });
    // Lost at 1000: 250, then 500 after the failure; lost again at 6000: 250 again.
    expect(dialTimes).toEqual([1250, 1750, 6250]);
  });

  it('a member that quit is never redialled', () => {
    const ts = scheduler();
    ts.run(({ hot, expectObservable }) => {
      const events = hot<NodeEvent>('u hpq d', {
        ...BOB_LINKED_THEN_LOST,
        q: frameEvent(1, { type: 'bye', reason: 'quit' }),
        d: { kind: 'linkDown', at: 0, link: 1, reason: 'closed' },
      });
      const effects = virtualNode(ts, testConfig({ peers: ['127.0.0.1:9101'] }), events, {
        forMs: 61_000,
        answer: refuse,
      });
      expectObservable(effects.pipe(filter((e) => e.kind === 'dial')), '^ 60s !').toBe('');
    });
  });
});

describe('simultaneous dials: exactly one link per pair', () => {
  for (const [peer, drop, who] of [
    [HIGHER, 2, 'we have the smaller id: keep the link we dialled'],
    [LOWER, 1, 'they have the smaller id: keep the link they dialled'],
  ] as const) {
    it(who, () => {
      const ts = scheduler();
      ts.run(({ hot, expectObservable }) => {
        const events = hot<NodeEvent>('ab cpdq', {
          a: linkUp(1, 0, {
            direction: 'out',
            target: '127.0.0.1:9101',
            purpose: { kind: 'gossip', member: peer },
          }),
          b: linkUp(2, 0, { direction: 'in' }),
          c: frameEvent(1, hello(peer, 'peer', 9101)),
          d: frameEvent(2, hello(peer, 'peer', 9101)),
          p: frameEvent(1, proof(1, hello(peer, 'peer', 9101))),
          q: frameEvent(2, proof(2, hello(peer, 'peer', 9101))),
        });
        const effects = virtualNode(ts, testConfig(), events, { forMs: 100 });
        const decisions = effects.pipe(
          filter((e) => e.kind === 'close' || (e.kind === 'emit' && e.event.event === 'join')),
          map((e) => (e.kind === 'close' ? `close ${e.link}` : 'join')),
        );
        expectObservable(decisions, '^ 10ms !').toBe('---j-c', { j: 'join', c: `close ${drop}` });
        const kept = effects.pipe(
          filter((e) => e.kind === 'send' && e.frame.type === 'bye'),
          map((e) => (e.kind === 'send' ? e.links.join() : '')),
        );
        expectObservable(kept, '^ 10ms !').toBe('-----x', { x: String(drop) });
      });
    });
  }
});
