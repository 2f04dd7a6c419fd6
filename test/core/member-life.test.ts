import { describe, expect, it } from 'vitest';
import { goodbyeText } from '../../src/core/announcement.js';
import type { NodeEvent } from '../../src/core/event.js';
import type { MemberChange, Place } from '../../src/core/member-life.js';
import { MEMBER_LIFE, placeOf } from '../../src/core/member-life.js';
import { initialState } from '../../src/core/state.js';
import { step } from '../../src/core/step.js';
import type { MemberInfo } from '../../src/protocol/frames.js';
import {
  fakeIdentity,
  frameEvent,
  handshake,
  hello,
  JOIN_KINDS,
  joined,
  kinds,
  LOWER,
  linkUp,
  memberEntry,
  testConfig,
} from '../helpers/core-fixtures.js';

const BOB = 'bb00000000000000';
/** Carol has a larger id than this node (b000…): gossip about her makes this node dial her. */
const CAROL = 'cc00000000000000';
const CAROL_AT = '127.0.0.1:9300';

const info = (id: string, address = CAROL_AT): MemberInfo =>
  memberEntry(id, id === CAROL ? 'carol' : 'low', address);
/** The member back in a new incarnation, started later. */
const returned = (id: string, address: string): MemberInfo =>
  memberEntry(id, id === CAROL ? 'carol' : 'low', address, {
    inc: '2',
    time: '2026-01-01T00:00:00.000Z',
  });
/** Bob (linked on link 1) tells this node about `member`. */
const gossip = (member: MemberInfo, at = 0): NodeEvent =>
  frameEvent(1, { type: 'members', members: [member] }, at);
const bobLinked = joined(1, BOB, 'bob');
const carolLinked = (link: number, at = 0): NodeEvent[] => [
  linkUp(link, at),
  ...handshake(link, hello(CAROL, 'carol', 9300), at),
];
const quit = (link: number): NodeEvent => frameEvent(link, { type: 'bye', reason: 'quit' });

/** How to bring member `id` to a place, and what makes each change happen there. */
interface Row {
  readonly from: Place;
  readonly change: MemberChange;
  readonly id: string;
  readonly setup: readonly NodeEvent[];
  readonly event: readonly NodeEvent[];
  readonly to: Place;
  readonly effects: readonly string[];
}

const rows: Row[] = [
  {
    from: 'absent',
    change: 'heardOf',
    id: LOWER,
    setup: bobLinked,
    event: [gossip(info(LOWER))],
    to: 'known',
    effects: [],
  },
  {
    from: 'absent',
    change: 'dialled',
    id: CAROL,
    setup: bobLinked,
    event: [gossip(info(CAROL))],
    to: 'connecting',
    effects: ['dial'],
  },
  {
    from: 'absent',
    change: 'linked',
    id: CAROL,
    setup: bobLinked,
    event: carolLinked(2),
    to: 'linked',
    effects: JOIN_KINDS,
  },
  {
    // Carol's address is being dialled already (named on the command line): kept as known.
    from: 'known',
    change: 'dialled',
    id: CAROL,
    setup: [{ kind: 'start', at: 0 }, ...bobLinked, gossip(info(CAROL))],
    event: [
      {
        kind: 'dialFailed',
        at: 1,
        target: CAROL_AT,
        purpose: { kind: 'initial' },
        reason: 'refused',
      },
      gossip(info(CAROL), 2),
    ],
    to: 'connecting',
    effects: ['warn', 'dial'],
  },
  {
    from: 'known',
    change: 'linked',
    id: LOWER,
    setup: [...bobLinked, gossip(info(LOWER))],
    event: joined(3, LOWER, 'low'),
    to: 'linked',
    effects: JOIN_KINDS,
  },
  {
    from: 'connecting',
    change: 'dialFailed',
    id: CAROL,
    setup: [...bobLinked, gossip(info(CAROL))],
    event: [
      {
        kind: 'dialFailed',
        at: 1,
        target: CAROL_AT,
        purpose: { kind: 'gossip', member: CAROL },
        reason: 'refused',
      },
    ],
    to: 'known',
    effects: ['warn'],
  },
  {
    from: 'connecting',
    change: 'linked',
    id: CAROL,
    setup: [...bobLinked, gossip(info(CAROL))],
    event: [
      linkUp(2, 1, {
        direction: 'out',
        target: CAROL_AT,
        purpose: { kind: 'gossip', member: CAROL },
      }),
      ...handshake(2, hello(CAROL, 'carol', 9300), 1),
    ],
    to: 'linked',
    effects: JOIN_KINDS,
  },
  {
    // A second link from carol: both are hers (a redial while this node still held the old
    // one), so the newer replaces it, the old one is told `duplicate`, and the new one runs a new
    // link's exchange: who is here (bob), and what each has.
    from: 'linked',
    change: 'linked',
    id: CAROL,
    setup: [...bobLinked, ...carolLinked(2)],
    event: carolLinked(3),
    to: 'linked',
    effects: [
      'send:hello',
      'send:proof',
      'member',
      'send:bye',
      'close',
      'send:members',
      'send:have',
    ],
  },
  {
    from: 'linked',
    change: 'lost',
    id: CAROL,
    setup: [...bobLinked, ...carolLinked(2)],
    event: [{ kind: 'linkDown', at: 5, link: 2, reason: 'reset' }],
    to: 'lost',
    effects: ['warn', 'emit:leave', 'send:links', 'send:have'],
  },
  {
    from: 'linked',
    change: 'quit',
    id: CAROL,
    setup: [...bobLinked, ...carolLinked(2)],
    event: [quit(2)],
    to: 'quit',
    // The link is ended from this side too; whom this node is linked with changed: the others
    // forward carol's lines to it again.
    effects: ['close', 'emit:leave', 'send:links'],
  },
  {
    // Links bounded: carol's end shed the link. She stays present (bob lists her) and known;
    // whom this node is linked with is told with the next gossip.
    from: 'linked',
    change: 'shed',
    id: CAROL,
    setup: [...bobLinked, ...carolLinked(2)],
    event: [{ kind: 'frame', at: 5, link: 2, frame: { type: 'bye', reason: 'shed' } }],
    to: 'known',
    effects: ['close'],
  },
  {
    // Carol dialled twice (links 2 and 3); link 2 is told `duplicate` and is closing when link 3
    // drops: carol is lost, and her goodbye then arrives on link 2.
    from: 'lost',
    change: 'quit',
    id: CAROL,
    setup: [
      ...bobLinked,
      ...carolLinked(2),
      ...carolLinked(3),
      { kind: 'linkDown', at: 5, link: 3, reason: 'reset' },
    ],
    event: [quit(2)],
    to: 'quit',
    effects: ['close'],
  },
  {
    from: 'lost',
    change: 'linked',
    id: CAROL,
    setup: [...bobLinked, ...carolLinked(2), { kind: 'linkDown', at: 5, link: 2, reason: 'reset' }],
    event: carolLinked(3, 6),
    to: 'linked',
    effects: JOIN_KINDS,
  },
  {
    from: 'quit',
    change: 'linked',
    id: CAROL,
    setup: [...bobLinked, ...carolLinked(2), quit(2)],
    event: carolLinked(3, 6),
    to: 'linked',
    effects: JOIN_KINDS,
  },
];

rows.push(
  {
    // Gossip about a member that quit, in a new incarnation: it came back (with --identity);
    // this node dials it.
    from: 'quit',
    change: 'dialled',
    id: CAROL,
    setup: [...bobLinked, ...carolLinked(2), quit(2)],
    event: [gossip(returned(CAROL, '127.0.0.1:9301'))],
    to: 'connecting',
    effects: ['dial'],
  },
  {
    // … or waits for it to dial, when its id is the smaller.
    from: 'quit',
    change: 'heardOf',
    id: LOWER,
    setup: [...bobLinked, ...joined(2, LOWER, 'low'), quit(2)],
    event: [gossip(returned(LOWER, '127.0.0.1:9301'))],
    to: 'known',
    effects: [],
  },
);

/** Member `id`'s goodbye (incarnation 1), signed by its fake key, as bob passes it on. */
const goodbyeOf = (id: string) => ({
  id,
  inc: '1',
  sig: fakeIdentity(id).sign(goodbyeText(id, '1')),
});
/** Bob's `links` frame: whom bob says he is linked with. */
const bobLinks = (peers: readonly string[], at = 0): NodeEvent =>
  frameEvent(1, { type: 'links', peers: [...peers] }, at);
/** Carol heard of and dialled, the dial failed: known, with nobody listing her. */
const carolKnown: NodeEvent[] = [
  ...bobLinked,
  gossip(info(CAROL)),
  {
    kind: 'dialFailed',
    at: 1,
    target: CAROL_AT,
    purpose: { kind: 'gossip', member: CAROL },
    reason: 'refused',
  },
];
rows.push(
  {
    // Bob listed low, then no longer does, and nobody else lists it: it is gone.
    from: 'known',
    change: 'unvouched',
    id: LOWER,
    setup: [...bobLinked, bobLinks([LOWER]), gossip(info(LOWER))],
    event: [bobLinks([], 1)],
    to: 'lost',
    effects: [],
  },
  {
    // Bob no longer lists low, and says it said goodbye to him.
    from: 'known',
    change: 'toldQuit',
    id: LOWER,
    setup: [...bobLinked, bobLinks([LOWER]), gossip(info(LOWER))],
    event: [frameEvent(1, { type: 'links', peers: [], quit: [goodbyeOf(LOWER)] }, 1)],
    to: 'quit',
    effects: [],
  },

  {
    // Being dialled, when bob passes on its goodbye: it quit; the dial's end changes nothing.
    from: 'connecting',
    change: 'toldQuit',
    id: CAROL,
    setup: [...bobLinked, bobLinks([CAROL]), gossip(info(CAROL))],
    event: [frameEvent(1, { type: 'links', peers: [], quit: [goodbyeOf(CAROL)] }, 1)],
    to: 'quit',
    effects: [],
  },
  {
    // Lost here (its goodbye to this node never came) and being redialled: bob passes it on.
    from: 'lost',
    change: 'toldQuit',
    id: CAROL,
    setup: [
      ...bobLinked,
      ...carolLinked(2),
      bobLinks([CAROL]),
      { kind: 'linkDown', at: 5, link: 2, reason: 'reset' },
    ],
    event: [frameEvent(1, { type: 'links', peers: [], quit: [goodbyeOf(CAROL)] }, 6)],
    to: 'quit',
    effects: [],
  },
  {
    // Gossip names it again: it is back.
    from: 'lost',
    change: 'heardOf',
    id: LOWER,
    setup: [...bobLinked, bobLinks([LOWER]), gossip(info(LOWER)), bobLinks([], 1)],
    event: [gossip(info(LOWER), 2)],
    to: 'known',
    effects: [],
  },
  {
    // Carol, heard of but listed by nobody for 3 × --peer-timeout, was lost; gossip names her
    // again, and this node dials her again.
    from: 'lost',
    change: 'dialled',
    id: CAROL,
    // (Bob pings meanwhile, and stays linked.)
    setup: [
      ...carolKnown,
      ...[2000, 4000, 6000, 8000].map((t) => frameEvent(1, { type: 'ping', t }, t)),
      { kind: 'tick', at: 9000 },
    ],
    event: [gossip(info(CAROL), 9001)],
    to: 'connecting',
    effects: ['dial'],
  },
);

/** 256 other members that quit after carol: carol, the oldest that quit, is forgotten. */
function manyQuit(): NodeEvent[] {
  const events: NodeEvent[] = [];
  for (let i = 0; i < 256; i++) {
    const id = `dd${i.toString(16).padStart(14, '0')}`;
    events.push(
      ...joined(10 + i, id, `m${i}`),
      frameEvent(10 + i, { type: 'bye', reason: 'quit' }),
    );
  }
  return events;
}
rows.push({
  from: 'quit',
  change: 'forgotten',
  id: CAROL,
  setup: [...bobLinked, ...carolLinked(2), quit(2), ...manyQuit()],
  event: [{ kind: 'tick', at: 100 }],
  to: 'absent',
  effects: [],
});

rows.push({
  from: 'lost',
  change: 'forgotten',
  id: CAROL,
  setup: [...bobLinked, ...carolLinked(2), { kind: 'linkDown', at: 5, link: 2, reason: 'reset' }],
  // Not back within --redial-for (10 minutes by default): forgotten, and never dialled again
  // (bob, silent as long, is lost at the same tick).
  event: [{ kind: 'tick', at: 5 + 10 * 60_000 }],
  to: 'absent',
  effects: ['close', 'emit:leave'],
});

/** Changes that are not in the table for a place leave the member where it is. */
const unchanged: Row[] = [
  {
    from: 'known',
    change: 'heardOf',
    id: LOWER,
    setup: [...bobLinked, gossip(info(LOWER))],
    event: [gossip(info(LOWER, '127.0.0.1:9999'))],
    to: 'known',
    effects: [],
  },
  {
    from: 'linked',
    change: 'dialled',
    id: CAROL,
    setup: [...bobLinked, ...carolLinked(2)],
    event: [gossip(info(CAROL, '127.0.0.1:9301'))],
    to: 'linked',
    effects: [],
  },
];

describe('a goodbye passed on for a member lost here', () => {
  it('ends its redials: it quit', () => {
    let state = initialState(testConfig({ peers: [CAROL_AT] }));
    const events: NodeEvent[] = [
      ...bobLinked,
      ...carolLinked(2),
      bobLinks([CAROL]),
      { kind: 'linkDown', at: 5, link: 2, reason: 'reset' },
    ];
    for (const event of events) state = step(state, event).state;
    expect(state.dialer.redials.has(CAROL)).toBe(true);
    const told = frameEvent(1, { type: 'links', peers: [], quit: [goodbyeOf(CAROL)] }, 6);
    state = step(state, told).state;
    expect(state.dialer.redials.has(CAROL)).toBe(false);
    expect(state.members.get(CAROL)?.state).toBe('quit');
  });
});

describe('a goodbye passed on that the member did not sign', () => {
  it('is not its goodbye: dropped from the links, it is only gone (lost)', () => {
    const { place } = run({
      from: 'known',
      change: 'unvouched',
      id: LOWER,
      setup: [...bobLinked, bobLinks([LOWER]), gossip(info(LOWER))],
      event: [
        frameEvent(1, { type: 'links', peers: [], quit: [{ ...goodbyeOf(LOWER), sig: 'x' }] }, 1),
      ],
      to: 'lost',
      effects: [],
    });
    expect(place).toBe('lost');
  });
});

describe('gossip about a member that quit, naming the incarnation that quit', () => {
  it('changes nothing: it stays quit (the gossip is from before its goodbye)', () => {
    const { place, effects } = run({
      from: 'quit',
      change: 'dialled',
      id: CAROL,
      setup: [...bobLinked, ...carolLinked(2), quit(2)],
      event: [gossip(info(CAROL, '127.0.0.1:9301'))],
      to: 'quit',
      effects: [],
    });
    expect(place).toBe('quit');
    expect(effects).toEqual([]);
  });
});

describe('gossip about a member this node redials itself', () => {
  it('changes nothing: it stays lost, and is not dialled at the gossiped address', () => {
    const { place, effects } = run({
      from: 'lost',
      change: 'dialled',
      id: CAROL,
      setup: [
        ...bobLinked,
        ...carolLinked(2),
        { kind: 'linkDown', at: 5, link: 2, reason: 'reset' },
      ],
      event: [gossip(info(CAROL, '127.0.0.1:9301'))],
      to: 'lost',
      effects: [],
    });
    expect(place).toBe('lost');
    expect(effects).toEqual([]);
  });
});

function run(row: Row): { place: Place; effects: string[] } {
  const config = testConfig({ peers: [CAROL_AT] });
  let state = initialState(config);
  for (const event of row.setup) state = step(state, event).state;
  expect(placeOf(state.members.get(row.id))).toBe(row.from);
  const effects: string[] = [];
  for (const event of row.event) {
    const result = step(state, event);
    state = result.state;
    effects.push(...kinds(result.effects));
  }
  return { place: placeOf(state.members.get(row.id)), effects };
}

describe("a member's life: every transition of MEMBER_LIFE (table)", () => {
  for (const row of rows) {
    it(`${row.from}, ${row.change} → ${row.to}: ${row.effects.join(', ') || 'no effects'}`, () => {
      const { place, effects } = run(row);
      expect(place).toBe(row.to);
      expect(effects).toEqual(row.effects);
    });
  }

  it('covers every transition the table lists, and each row is one of them', () => {
    const listed = Object.entries(MEMBER_LIFE).flatMap(([from, changes]) =>
      Object.entries(changes).map(([change, to]) => `${from} ${change} ${to}`),
    );
    expect(rows.map((row) => `${row.from} ${row.change} ${row.to}`).sort()).toEqual(listed.sort());
  });

  for (const row of unchanged) {
    it(`${row.from}, ${row.change}: not in the table, stays ${row.to}`, () => {
      expect(MEMBER_LIFE[row.from][row.change]).toBeUndefined();
      const { place, effects } = run(row);
      expect(place).toBe(row.to);
      expect(effects).toEqual(row.effects);
    });
  }
});
