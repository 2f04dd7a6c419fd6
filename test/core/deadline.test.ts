import { describe, expect, it } from 'vitest';
import { nextDeadline } from '../../src/core/deadline.js';
import type { NodeEvent } from '../../src/core/event.js';
import {
  chatFrom,
  fold,
  frameEvent,
  joined,
  linkUp,
  testConfig,
} from '../helpers/core-fixtures.js';

const BOB = 'bb00000000000000';
const CAROL = 'cc00000000000000';

describe('the next deadline: when the core next needs the clock (table)', () => {
  const meshless = testConfig({ mesh: false });
  const to = { config: meshless };
  const cases: [string, NodeEvent[], number | undefined][] = [
    ['nothing linked, nothing waiting: no deadline', [{ kind: 'start', at: 0 }], undefined],
    ['a connection without a hello: the handshake timeout', [linkUp(1, 100)], 5100],
    [
      'members joined at 0 and 10: their gossip, 50 ms after the first',
      [...joined(1, BOB, 'bob', 0, to), ...joined(2, CAROL, 'carol', 10, to)],
      50,
    ],
    [
      'gossip sent: the next ping, a ping interval after the last',
      [...joined(1, BOB, 'bob', 0, to), { kind: 'tick', at: 50 }],
      1000,
    ],
    [
      'a message held for its predecessor: its gap wait (5 s) is later than the next ping',
      [
        ...joined(1, BOB, 'bob', 0, to),
        { kind: 'tick', at: 50 },
        frameEvent(1, chatFrom(BOB, 'bob', ['two'], { seq: 2 }), 400),
      ],
      1000,
    ],
    [
      'said goodbye with a link still open: the close wait, 500 ms',
      [...joined(1, BOB, 'bob', 0, to), { kind: 'inputEnd', at: 70 }],
      570,
    ],
  ];
  for (const [name, events, due] of cases) {
    it(name, () => {
      expect(nextDeadline(fold(events, meshless).state)).toBe(due);
    });
  }

  it('a held message with nothing else due: a pull each fifth of the gap wait, then the gap wait', () => {
    const config = testConfig({ mesh: false, peerTimeoutMs: 60_000, pingIntervalMs: 60_000 });
    const events: NodeEvent[] = [
      ...joined(1, BOB, 'bob', 0, { config }),
      { kind: 'tick', at: 50 },
      frameEvent(1, chatFrom(BOB, 'bob', ['two'], { seq: 2 }), 400),
    ];
    expect(nextDeadline(fold(events, config).state)).toBe(1400);
    const pulls = [1400, 2400, 3400, 4400].map((at): NodeEvent => ({ kind: 'tick', at }));
    const pulled = fold([...events, ...pulls], config);
    expect(nextDeadline(pulled.state)).toBe(5400);
    const asked = pulled.effects.filter((e) => e.kind === 'send' && e.frame.type === 'have');
    // One `have` at the link-up, then four pulls naming bob's stream, sent to bob (its origin).
    expect(asked.slice(1)).toMatchObject(
      pulls.map(() => ({ links: [1], frame: { want: [`${BOB}.1`] } })),
    );
  });

  it('a lost member: its first redial, 250 ms later', () => {
    const { state } = fold([
      ...joined(1, BOB, 'bob', 0),
      { kind: 'tick', at: 50 },
      { kind: 'linkDown', at: 600, link: 1, reason: 'reset' },
    ]);
    expect(nextDeadline(state)).toBe(850);
  });

  it('a lingering node asks again every 200 ms until its linger runs out', () => {
    const { state } = fold([
      ...joined(1, BOB, 'bob', 0),
      { kind: 'tick', at: 50 },
      { kind: 'input', at: 100, lines: ['hi'] },
      { kind: 'inputEnd', at: 100 },
    ]);
    expect(state.leaving).toEqual({ phase: 'lingering', deadline: 5100, urgent: false });
    expect(nextDeadline(state)).toBe(300);
  });
});
