import { describe, expect, it } from 'vitest';
import { checkOptions } from '../../src/cli/check-args.js';
import { askText } from '../../src/core/confirm.js';
import type { NodeEvent } from '../../src/core/event.js';
import { FULL_MESH_UP_TO, isBounded, linksTarget } from '../../src/core/overlay.js';
import type { Member, NodeState } from '../../src/core/state.js';
import { initialState } from '../../src/core/state.js';
import { step } from '../../src/core/step.js';
import { viewText } from '../../src/core/views.js';
import {
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

/** A node that knows `others` members present (known through gossip). */
function knowing(others: number, fields: Parameters<typeof testConfig>[0] = {}): NodeState {
  const state = initialState(testConfig(fields));
  const members = new Map<string, Member>();
  for (let i = 0; i < others; i++) {
    const id = String(i + 1).padStart(16, 'a');
    members.set(id, {
      id,
      name: `m${i}`,
      address: `127.0.0.1:${10_000 + i}`,
      mesh: true,
      state: 'known',
      confirmed: 0,
      sent: 0,
      received: 0,
      framesSent: 0,
      framesReceived: 0,
    });
  }
  return { ...state, members };
}

describe('how many links a node keeps', () => {
  it(`a full mesh up to ${FULL_MESH_UP_TO} members present, then ⌈log₂ N⌉ + 2`, () => {
    expect(FULL_MESH_UP_TO).toBe(24);
    expect(linksTarget(knowing(23))).toBe(Number.POSITIVE_INFINITY);
    expect(isBounded(knowing(23))).toBe(false);
    expect(linksTarget(knowing(24))).toBe(7);
    expect(linksTarget(knowing(49))).toBe(8);
    expect(linksTarget(knowing(99))).toBe(9);
    expect(isBounded(knowing(99))).toBe(true);
  });

  it('--links decides at any size; --links all is a full mesh; --no-mesh is never bounded', () => {
    expect(linksTarget(knowing(5, { links: 3 }))).toBe(3);
    expect(isBounded(knowing(99, { links: Number.POSITIVE_INFINITY }))).toBe(false);
    expect(isBounded(knowing(99, { mesh: false }))).toBe(false);
  });

  it('the command line: --links <n>, --links all, and none', () => {
    expect(checkOptions({ links: 5 })).toMatchObject({ links: 5 });
    expect(checkOptions({ links: 'all' })).toMatchObject({ links: Number.POSITIVE_INFINITY });
    expect(checkOptions({})).not.toHaveProperty('links');
    expect(checkOptions({ links: 'many' })).toMatch(/--links must be a whole number/);
  });
});

describe('links bounded: what a member says of others is checked before it is passed on', () => {
  const BOB = 'bb00000000000000';
  const CAROL = 'cc00000000000000';
  const bounded = testConfig({ links: 1 });
  const room = [...joined(1, BOB, 'bob'), ...joined(2, CAROL, 'carol')];
  const linksOfBob = (sig: string, peers: readonly string[] = [SELF, 'dd00000000000000']) =>
    frameEvent(1, { type: 'links', peers, n: 5, sig }, 10);
  const passedOn = (events: readonly NodeEvent[]) =>
    fold([...room, ...events, { kind: 'tick', at: 200 }], bounded).effects.filter(
      (e) => e.kind === 'send' && e.frame.type === 'views',
    );
  const bobSigned = (peers: readonly string[]) =>
    fakeIdentity(BOB).sign(viewText(BOB, '1', 5, peers));

  it('a linked member’s signed links are passed on to the others as a view', () => {
    const peers = [SELF, 'dd00000000000000'];
    const sent = passedOn([linksOfBob(bobSigned(peers), peers)]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ links: [2], frame: { views: [{ id: BOB, n: 5, peers }] } });
  });

  it('the same links again (as on a new link) leave the view held: it is passed on once, not taken anew', () => {
    const peers = [SELF, 'dd00000000000000'];
    const again = frameEvent(1, { type: 'links', peers, n: 5, sig: bobSigned(peers) }, 20);
    const { state } = fold([...room, linksOfBob(bobSigned(peers), peers), again], bounded);
    expect(state.members.get(BOB)?.view).toMatchObject({ n: 5, peers });
    expect(passedOn([linksOfBob(bobSigned(peers), peers), again])).toHaveLength(1);
  });

  it('one whose signature does not verify is taken for whom it links, but never passed on', () => {
    expect(passedOn([linksOfBob('forged')])).toEqual([]);
  });

  it('one too big to pass on in a line is not passed on', () => {
    const many = Array.from(
      { length: 1000 },
      (_, i) => `${'e'.repeat(58)}${String(i).padStart(6, '0')}`,
    );
    expect(passedOn([linksOfBob(bobSigned(many), many)])).toEqual([]);
  });

  it('an ask from a member nobody reaches is neither answered nor passed on', () => {
    // Bob tells of ee (its own signed announcement), but nobody's links list it.
    const heard = frameEvent(
      1,
      { type: 'members', members: [memberEntry('ee00000000000000', 'eve', '127.0.0.1:9300')] },
      5,
    );
    const ask = frameEvent(1, {
      type: 'ask',
      origin: 'ee00000000000000',
      inc: '1',
      seq: 1,
      round: 1,
      sig: fakeIdentity('ee00000000000000').sign(askText('ee00000000000000', '1', 1, 1)),
    });
    const effects = fold([...room, heard, ask], bounded).effects.filter((e) => e.kind === 'send');
    expect(
      effects.filter(
        (e) => e.kind === 'send' && (e.frame.type === 'ask' || e.frame.type === 'seen'),
      ),
    ).toEqual([]);
  });
});

describe('links bounded: a member not linked is shown by the views', () => {
  it('joined once a view lists it, and lost 500 ms (at most 550) after the view that drops it', () => {
    const [BOB, EVE] = ['bb00000000000000', 'ee00000000000000'];
    const events: NodeEvent[] = [
      ...joined(1, BOB, 'bob'),
      frameEvent(1, { type: 'members', members: [memberEntry(EVE, 'eve', '127.0.0.1:9300')] }, 5),
      frameEvent(1, { type: 'links', peers: [SELF, EVE] }, 10),
      frameEvent(1, { type: 'links', peers: [SELF] }, 1000),
      ...Array.from({ length: 200 }, (_, i): NodeEvent => ({ kind: 'tick', at: 10 + i * 10 })),
    ].sort((a, b) => a.at - b.at);
    let state = initialState(testConfig({ links: 1, peerTimeoutMs: 1e9 }));
    const shown: string[] = [];
    for (const event of events) {
      const result = step(state, event);
      state = result.state;
      for (const e of result.effects)
        if (e.kind === 'emit' && (e.event.event === 'join' || e.event.event === 'leave'))
          shown.push(`${e.event.event} ${e.event.user} ${event.at}`);
    }
    const eve = shown.filter((line) => line.includes('eve'));
    expect(eve).toHaveLength(2);
    const [joinAt, leaveAt] = eve.map((line) => Number(line.split(' ')[2]));
    expect(joinAt).toBeLessThanOrEqual(10 + 50);
    expect(leaveAt).toBeGreaterThanOrEqual(1500);
    expect(leaveAt).toBeLessThanOrEqual(1550);
  });
});

describe('links bounded: a new link with a member present here', () => {
  const [BOB, CAROL] = ['bb00000000000000', 'cc00000000000000'];
  const config = testConfig({ links: 1, peerTimeoutMs: 1e9 });
  // Bob linked; carol heard of and reached through bob's links: 3 present, this node included.
  const carolPresent: NodeEvent[] = [
    ...joined(1, BOB, 'bob'),
    frameEvent(1, { type: 'members', members: [memberEntry(CAROL, 'carol', '127.0.0.1:9102')] }, 5),
    frameEvent(1, { type: 'links', peers: [SELF, CAROL] }, 6),
    { kind: 'tick', at: 100 },
  ];
  const membershipTo = (present: number | undefined) =>
    fold(
      [
        ...carolPresent,
        linkUp(2, 200),
        ...handshake(
          2,
          { ...hello(CAROL, 'carol', 9102), ...(present === undefined ? {} : { present }) },
          200,
        ),
      ],
      config,
    ).effects.filter(
      (e) =>
        e.kind === 'send' &&
        e.links.includes(2) &&
        (e.frame.type === 'members' || e.frame.type === 'views'),
    );

  it('a hello says how many this node counts present: 1 with no link yet, its count once linked, nothing in a full mesh', () => {
    const helloOn = (link: number, events: NodeEvent[], fields = config) =>
      fold([...events, linkUp(link, 300)], fields).effects.flatMap((e) =>
        e.kind === 'send' && e.frame.type === 'hello' && e.links.includes(link) ? [e.frame] : [],
      );
    expect(helloOn(1, [])[0]?.present).toBe(1);
    // Cut off: bob's link went, carol is still held, but with no link this node says 1.
    const cutOff: NodeEvent[] = [
      ...carolPresent,
      { kind: 'linkDown', at: 200, link: 1, reason: 'reset' },
    ];
    expect(helloOn(3, cutOff)[0]?.present).toBe(1);
    expect(helloOn(3, carolPresent)[0]?.present).toBe(3);
    expect(helloOn(3, carolPresent, testConfig({ peerTimeoutMs: 1e9 }))[0]).not.toHaveProperty(
      'present',
    );
  });

  it('carries no membership when both ends count the same members present', () => {
    expect(membershipTo(3)).toEqual([]);
  });

  it('carries it all when the member counts otherwise, says it has no other link (1), or says nothing', () => {
    for (const present of [2, 1, undefined])
      expect(membershipTo(present).length, String(present)).toBeGreaterThan(0);
  });
});

describe('links bounded: shedding', () => {
  const [BOB, CAROL, DAVE] = ['bb00000000000000', 'cc00000000000000', 'dd00000000000000'];
  const config = testConfig({ links: 1, peerTimeoutMs: 1e9 });
  const three = [
    ...joined(1, BOB, 'bob'),
    ...joined(2, CAROL, 'carol'),
    ...joined(3, DAVE, 'dave'),
  ];
  const listing = (peers: readonly string[]) =>
    [1, 2, 3].map((link) => frameEvent(link, { type: 'links', peers }, 1));
  const sheds = (events: readonly NodeEvent[]) =>
    fold([...three, ...events], config).effects.filter(
      (e) => e.kind === 'send' && e.frame.type === 'bye' && e.frame.reason === 'shed',
    );

  it('over its links by more than one, a node sheds one link old enough, whose member has links to spare', () => {
    const spare = listing([SELF, 'ee00000000000000', 'ff00000000000000']);
    expect(sheds([...spare, { kind: 'tick', at: 500 }])).toEqual([]);
    expect(sheds([...spare, { kind: 'tick', at: 1200 }])).toHaveLength(1);
  });

  it('never the link of a member that has no other (it would be cut off)', () => {
    expect(sheds([...listing([SELF]), { kind: 'tick', at: 5000 }])).toEqual([]);
  });
});
