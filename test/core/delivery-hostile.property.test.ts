/**
 * Delivery with a hostile member: a model of three honest nodes' `step`s and
 * one member that sends whatever it can sign (see "The model" below).
 *
 * Found on commit 8275f00 (fast-check, seed 21, failing at the first run; shrunk):
 *
 *   Counterexample: [{"actions":[{"kind":"chat","to":0,"seq":1,"texts":1,
 *     "deps":[[0,40]],"replay":false,"old":false}],"delays":[1]}]
 *   "ann declared a gap in honest a000000000000000"
 *
 * H sends ann one message whose deps claim 40 of ann's own stream; after the
 * gap wait the gap rule moves ann's stream (and, at bob and cat, who got it
 * forwarded, ann's stream there) to 40, so ann's first 40 lines would be
 * dropped as duplicates. Other seeds shrink to the other known breaks:
 *   - a `have` from H with floor {bob.1: 1} to ann, then ann types a line:
 *     "bob declared a gap in honest b000000000000000" (ann adopted the floor,
 *     its deps carried it to bob); floor {ann.1: 1} to bob, then ann types:
 *     "bob showed honest a000000000000000.1:1 0 times";
 *   - H's seq 2**53 - 4, then seq 1 with deps {ann.1: 2**53 - 1}:
 *     "ann held e000000000000000.1:9007199254740988 for 1101 ms" (never freed).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RETRY_MS } from '../../src/core/alarm.js';
import { nextDeadline } from '../../src/core/deadline.js';
import type { Effect } from '../../src/core/effect.js';
import type { LinkId, NodeEvent } from '../../src/core/event.js';
import type { NodeState } from '../../src/core/state.js';
import { initialState } from '../../src/core/state.js';
import { step } from '../../src/core/step.js';
import type { ChatFrame, Frame, VectorRecord } from '../../src/protocol/frames.js';
import {
  fakeIdentity,
  frameEvent,
  HIGHER,
  hello,
  LOWER,
  linkUp,
  proof,
  SELF,
  signedChat,
  testConfig,
} from '../helpers/core-fixtures.js';

/*
 * The model: three honest nodes, each running the real `step`, fully linked
 * with each other and with a hostile member H (its own valid key) through the
 * real handshake. Member 0..2 are honest, member 3 is H.
 *
 * - Honest chat and `have` frames go through a network that delays, reorders,
 *   duplicates and drops copies. Still, every honest chat frame reaches every
 *   other honest member within W - 1 ms of being sent, by some path: a copy
 *   not there by then is delivered at that deadline (relay, catch-up). So does
 *   every hostile frame an honest node has shown, within W - 1 ms of the first
 *   showing (honest members relay what they accepted).
 * - H sends, at any time, to any honest node: chat frames of its own stream
 *   with any `seq` (some overflowing 2**53 - 1: frames validation would
 *   refuse, fed anyway, where only honest harm counts), invented `deps`
 *   (honest streams far ahead, streams that do not exist, its own stream),
 *   `replay`, an old `time`; honest frames it was sent, unchanged; `have`
 *   frames with any vector and floor.
 * - A copy's delay is taken from `delays` in turn; `deliver`, `duplicate` and
 *   `drop` act on one copy in flight. Honest lines start at HONEST_FROM.
 * - Every node gets a tick at every step of the clock: its own deadlines (as
 *   the alarm gives them), network deliveries, and the end of every wait.
 * - At the end 3 W pass, the network is emptied, W more pass, and the
 *   promises are checked (verdict); "held too long" is checked at every step.
 */

const W = 1000;
const HONEST: readonly string[] = [LOWER, SELF, HIGHER];
const NAMES = ['ann', 'bob', 'cat'] as const;
const HOSTILE = 'e000000000000000';
const HOSTILE_NAME = 'mal';
const MEMBERS = [...HONEST, HOSTILE] as const;
const H = 3;
const MAX = Number.MAX_SAFE_INTEGER;
/** Streams H may name in deps, vector and floor: honest ones, its own, a stranger, an honest id's other incarnation. */
const STREAMS = [
  `${LOWER}.1`,
  `${SELF}.1`,
  `${HIGHER}.1`,
  `${HOSTILE}.1`,
  'f000000000000000.1',
  `${LOWER}.2`,
] as const;
/** Honest lines start after every node's 1 s start window (its first `have` is at 0). */
const HONEST_FROM = 1100;
const OLD_TIME = '2000-01-01T00:00:00.000Z';

type Pairs = readonly (readonly [number, number])[];

type Action =
  | { readonly kind: 'type'; readonly member: number; readonly lines: number }
  | { readonly kind: 'wait'; readonly ms: number }
  | { readonly kind: 'deliver' | 'duplicate' | 'drop'; readonly pick: number }
  | {
      readonly kind: 'chat';
      readonly to: number;
      readonly seq: number;
      readonly texts: number;
      readonly deps: Pairs;
      readonly replay: boolean;
      readonly old: boolean;
    }
  | {
      readonly kind: 'replay';
      readonly to: number;
      readonly pick: number;
      readonly replay: boolean;
    }
  | { readonly kind: 'have'; readonly to: number; readonly vector: Pairs; readonly floor: Pairs };

interface Shown {
  readonly id: string;
  readonly origin: string;
  readonly unmet: boolean;
}

interface Node {
  state: NodeState;
  /** Messages shown, in order. */
  readonly shown: Shown[];
  /** Origins of the gap events. */
  readonly gaps: string[];
  /** Honest message ids this node has shown or sent, in order. */
  readonly seen: string[];
  /** Valid hostile message ids that reached it. */
  readonly hostile: Set<string>;
  /** It has shown a hostile message, or an honest one that may follow one (see `tainted`). */
  sawHostile: boolean;
  /** The highest floor H gave it for H's own stream: H may say it cannot resend up to there. */
  hostileFloor: number;
  /** Signatures of the chat frames that reached it. */
  readonly received: Set<string>;
  /** The first frame that brought each message. */
  readonly carrier: Map<string, ChatFrame>;
  readonly closed: Set<LinkId>;
}

interface Copy {
  readonly to: number;
  readonly link: LinkId;
  readonly frame: Frame;
  due: number;
}

/** A frame that must reach `to` by `deadline` by some path. */
interface Duty {
  readonly to: number;
  readonly link: LinkId;
  readonly frame: ChatFrame;
  readonly deadline: number;
  met: boolean;
}

interface World {
  now: number;
  readonly nodes: Node[];
  copies: Copy[];
  readonly duties: Map<string, Duty>;
  /** Chat frames honest nodes sent to H: what it can replay. */
  readonly pool: ChatFrame[];
  readonly before: Map<string, ReadonlySet<string>>;
  /**
   * Honest messages whose sender had shown a hostile message (or such a message) first: a
   * hostile message may be among their causes, and it may never become deliverable.
   */
  readonly tainted: Set<string>;
  readonly honestSent: { readonly id: string; readonly sender: number }[];
  readonly delays: readonly number[];
  copiesMade: number;
  hostileTexts: number;
  failure: string | undefined;
}

/** Node `node`'s link to member `member`. */
const linkOf = (node: number, member: number): LinkId => 10 * (node + 1) + member;
const memberAt = (link: LinkId): number => link % 10;
const idOf = (stream: string, seq: number): string => `${stream}:${seq}`;
const honestIndex = (origin: string): number => HONEST.indexOf(origin);

function nodeAt(world: World, index: number): Node {
  const node = world.nodes[index];
  if (node === undefined) throw new Error(`no node ${index}`);
  return node;
}

function newNode(index: number): Node {
  const config = testConfig({
    identity: fakeIdentity(HONEST[index] ?? ''),
    name: NAMES[index] ?? '',
    gapWaitMs: W,
    // Pings are not modelled: nobody goes silent for an hour.
    peerTimeoutMs: 3_600_000,
  });
  return {
    state: initialState(config),
    shown: [],
    gaps: [],
    seen: [],
    hostile: new Set(),
    sawHostile: false,
    hostileFloor: 0,
    received: new Set(),
    carrier: new Map(),
    closed: new Set(),
  };
}

function messageIds(frame: ChatFrame): string[] {
  const stream = `${frame.origin}.${frame.inc}`;
  return frame.texts.map((_, index) => idOf(stream, frame.seq + index));
}

// Subtracting: `seq + length - 1` itself may round back to MAX.
const overflows = (frame: ChatFrame): boolean => frame.seq > MAX - (frame.texts.length - 1);

/** Owes `frame` to every other honest node by `deadline`, over its link with `via`. */
function owe(world: World, via: number, frame: ChatFrame, deadline: number): void {
  for (let to = 0; to < HONEST.length; to++) {
    const key = `${to} ${frame.sig}`;
    if (to === via || world.duties.has(key)) continue;
    const met = nodeAt(world, to).received.has(frame.sig);
    world.duties.set(key, { to, link: linkOf(to, via), frame, deadline, met });
  }
}

function onEmit(world: World, index: number, effect: Extract<Effect, { kind: 'emit' }>): void {
  const node = nodeAt(world, index);
  const { event } = effect;
  if (event.event === 'gap') node.gaps.push(event.origin);
  if (event.event !== 'message') return;
  const unmet = 'unmet' in event && event.unmet === true;
  node.shown.push({ id: event.id, origin: event.origin, unmet });
  if (honestIndex(event.origin) >= 0) node.seen.push(event.id);
  if (honestIndex(event.origin) < 0 || world.tainted.has(event.id)) node.sawHostile = true;
  const carrier = node.carrier.get(event.id);
  if (event.origin === HOSTILE && carrier !== undefined)
    owe(world, index, carrier, world.now + W - 1);
}

/** This node's own new burst: its messages, what each follows, and the deadline it has. */
function onOwnBurst(world: World, index: number, frame: ChatFrame): void {
  const node = nodeAt(world, index);
  if (frame.origin !== HONEST[index] || frame.replay === true) return;
  if (world.duties.has(`${(index + 1) % HONEST.length} ${frame.sig}`)) return;
  for (const id of messageIds(frame)) {
    world.before.set(id, new Set(node.seen));
    if (node.sawHostile) world.tainted.add(id);
    world.honestSent.push({ id, sender: index });
    node.seen.push(id);
  }
  owe(world, index, frame, world.now + W - 1);
}

function delay(world: World): number {
  world.copiesMade += 1;
  return world.delays[world.copiesMade % world.delays.length] ?? 1;
}

function onSend(world: World, index: number, effect: Extract<Effect, { kind: 'send' }>): void {
  const { frame } = effect;
  if (frame.type !== 'chat' && frame.type !== 'have') return;
  if (frame.type === 'chat') onOwnBurst(world, index, frame);
  for (const link of effect.links) {
    const member = memberAt(link);
    if (member === H) {
      if (frame.type === 'chat') world.pool.push(frame);
      continue;
    }
    world.copies.push({
      to: member,
      link: linkOf(member, index),
      frame,
      due: world.now + delay(world),
    });
  }
}

function feed(world: World, index: number, event: NodeEvent): void {
  const node = nodeAt(world, index);
  const { state, effects } = step(node.state, event);
  node.state = state;
  const closing: LinkId[] = [];
  for (const effect of effects) {
    if (effect.kind === 'emit') onEmit(world, index, effect);
    else if (effect.kind === 'send') onSend(world, index, effect);
    else if (effect.kind === 'close') closing.push(effect.link);
  }
  for (const link of closing) {
    if (memberAt(link) !== H)
      world.failure ??= `${NAMES[index]} closed its link to ${NAMES[memberAt(link)]}`;
    if (node.closed.has(link)) continue;
    node.closed.add(link);
    feed(world, index, { kind: 'linkDown', at: world.now, link, reason: 'closed' });
  }
}

/** A frame arrives at honest node `index` on `link`. */
function arrive(world: World, index: number, link: LinkId, frame: Frame): void {
  const node = nodeAt(world, index);
  if (node.closed.has(link)) return;
  if (frame.type === 'chat') {
    node.received.add(frame.sig);
    const duty = world.duties.get(`${index} ${frame.sig}`);
    if (duty !== undefined) duty.met = true;
    for (const id of messageIds(frame)) {
      if (!node.carrier.has(id)) node.carrier.set(id, frame);
      if (frame.origin === HOSTILE && !overflows(frame)) node.hostile.add(id);
    }
  }
  feed(world, index, frameEvent(link, frame, world.now));
}

/** Promise 5: nothing waits longer than the gap wait and a little. */
function checkHeld(world: World): void {
  for (const [index, node] of world.nodes.entries()) {
    for (const [stream, queue] of node.state.chat.delivery.held) {
      for (const [seq, entry] of queue) {
        if (world.now - entry.since > W + 100)
          world.failure ??= `${NAMES[index]} held ${idOf(stream, seq)} for ${world.now - entry.since} ms`;
      }
    }
  }
}

/** One step of the clock: copies due, deadlines of the network, then a tick everywhere. */
function clockStep(world: World, at: number): void {
  world.now = at;
  const due = world.copies.filter((copy) => copy.due <= at).sort((x, y) => x.due - y.due);
  world.copies = world.copies.filter((copy) => copy.due > at);
  for (const copy of due) arrive(world, copy.to, copy.link, copy.frame);
  for (const duty of world.duties.values()) {
    if (duty.met || duty.deadline > at) continue;
    duty.met = true;
    arrive(world, duty.to, duty.link, duty.frame);
  }
  for (let index = 0; index < HONEST.length; index++) feed(world, index, { kind: 'tick', at });
  checkHeld(world);
}

/** The next step of the clock: a copy or a deadline due, or a node's next deadline. */
function nextAt(world: World): number {
  let next = Number.POSITIVE_INFINITY;
  for (const copy of world.copies) next = Math.min(next, copy.due);
  for (const duty of world.duties.values()) if (!duty.met) next = Math.min(next, duty.deadline);
  for (const node of world.nodes) {
    const due = nextDeadline(node.state);
    if (due !== undefined) next = Math.min(next, due <= world.now ? world.now + RETRY_MS : due);
  }
  return next;
}

function advance(world: World, to: number): void {
  for (let next = nextAt(world); next <= to; next = nextAt(world)) {
    if (world.failure !== undefined) return;
    clockStep(world, next);
  }
  if (world.now < to) clockStep(world, to);
}

/** Every copy in flight arrives now (and what they cause, a few rounds deep). */
function flush(world: World): void {
  for (let round = 0; round < 5 && world.copies.length > 0; round++) {
    for (const copy of world.copies) copy.due = world.now;
    clockStep(world, world.now);
  }
}

function handshake(world: World): void {
  for (let index = 0; index < HONEST.length; index++) {
    feed(world, index, { kind: 'start', at: 0 });
    for (let member = 0; member < MEMBERS.length; member++) {
      if (member === index) continue;
      const link = linkOf(index, member);
      const id = MEMBERS[member] ?? '';
      const name = NAMES[member] ?? HOSTILE_NAME;
      feed(world, index, linkUp(link, 0));
      const peer = hello(id, name, 9100 + link);
      const to = { config: nodeAt(world, index).state.config };
      feed(world, index, frameEvent(link, peer, 0));
      feed(world, index, frameEvent(link, proof(link, peer, to), 0));
    }
  }
  // The `have` of each handshake arrives with it.
  flush(world);
}

const record = (pairs: Pairs): VectorRecord =>
  Object.fromEntries(pairs.map(([stream, seq]) => [STREAMS[stream] ?? '', seq]));

function hostileChat(world: World, action: Extract<Action, { kind: 'chat' }>): ChatFrame {
  const texts = Array.from({ length: action.texts }, () => `mal-${++world.hostileTexts}`);
  const frame = signedChat({
    type: 'chat',
    origin: HOSTILE,
    inc: '1',
    name: HOSTILE_NAME,
    seq: action.seq,
    deps: record(action.deps),
    time: action.old ? OLD_TIME : new Date(world.now).toISOString(),
    texts,
  });
  return action.replay ? { ...frame, replay: true } : frame;
}

function fromHostile(world: World, action: Action): void {
  if (action.kind === 'chat') {
    arrive(world, action.to, linkOf(action.to, H), hostileChat(world, action));
  } else if (action.kind === 'replay' && world.pool.length > 0) {
    const frame = world.pool[action.pick % world.pool.length] as ChatFrame;
    arrive(
      world,
      action.to,
      linkOf(action.to, H),
      action.replay ? { ...frame, replay: true } : frame,
    );
  } else if (action.kind === 'have') {
    const frame: Frame = {
      type: 'have',
      vector: record(action.vector),
      floor: record(action.floor),
    };
    const node = nodeAt(world, action.to);
    const own = frame.floor[`${HOSTILE}.1`] ?? 0;
    node.hostileFloor = Math.max(node.hostileFloor, own);
    arrive(world, action.to, linkOf(action.to, H), frame);
  }
}

function typeLines(world: World, member: number, lines: number): void {
  if (world.now < HONEST_FROM) advance(world, HONEST_FROM);
  const name = NAMES[member] ?? '';
  const texts = Array.from({ length: lines }, (_, n) => `${name}-${world.honestSent.length + n}`);
  feed(world, member, { kind: 'input', at: world.now, lines: texts });
}

function network(
  world: World,
  action: Extract<Action, { kind: 'deliver' | 'duplicate' | 'drop' }>,
) {
  if (world.copies.length === 0) return;
  const index = action.pick % world.copies.length;
  const copy = world.copies[index] as Copy;
  if (action.kind === 'duplicate') {
    world.copies.push({ ...copy, due: world.now + delay(world) });
    return;
  }
  world.copies.splice(index, 1);
  if (action.kind === 'deliver') arrive(world, copy.to, copy.link, copy.frame);
}

function act(world: World, action: Action): void {
  if (action.kind === 'type') typeLines(world, action.member, action.lines);
  else if (action.kind === 'wait') advance(world, world.now + action.ms);
  else if (action.kind === 'deliver' || action.kind === 'duplicate' || action.kind === 'drop')
    network(world, action);
  else fromHostile(world, action);
}

/**
 * Promises 1 and 3 for honest messages at `index`: each shown once, no gap, and never unmet
 * unless a hostile message may be among its causes (it may wait on one that never comes).
 */
function honestShown(world: World, index: number): string | undefined {
  const node = nodeAt(world, index);
  const name = NAMES[index];
  for (const { id, sender } of world.honestSent) {
    if (sender === index) continue;
    const times = node.shown.filter((shown) => shown.id === id).length;
    if (times !== 1) return `${name} showed honest ${id} ${times} times`;
  }
  const unmet = node.shown.find(
    (shown) => shown.unmet && honestIndex(shown.origin) >= 0 && !world.tainted.has(shown.id),
  );
  if (unmet !== undefined) return `${name} showed honest ${unmet.id} as unmet`;
  const gap = node.gaps.find((origin) => honestIndex(origin) >= 0);
  if (gap !== undefined) return `${name} declared a gap in honest ${gap}`;
  return undefined;
}

/** Promise 2: at `index`, never an honest message before what its sender had seen. */
function causalOrder(world: World, index: number): string | undefined {
  const node = nodeAt(world, index);
  const position = new Map(node.shown.map((shown, at) => [shown.id, at]));
  for (const [at, { id }] of node.shown.entries()) {
    for (const cause of world.before.get(id) ?? []) {
      const causeAt = position.get(cause);
      if (causeAt !== undefined && causeAt > at)
        return `${NAMES[index]} showed ${id} before ${cause}, which it follows`;
    }
  }
  return undefined;
}

/** Promise 4: every hostile message that came is shown once, or its stream skipped past it. */
function hostileFate(world: World, index: number): string | undefined {
  const node = nodeAt(world, index);
  const shown = node.shown.filter((entry) => entry.origin === HOSTILE).map((entry) => entry.id);
  const once = new Set(shown);
  if (once.size !== shown.length) return `${NAMES[index]} showed a message of H twice`;
  const top = Math.max(0, ...shown.map((id) => Number(id.slice(id.lastIndexOf(':') + 1))));
  const skipped = node.gaps.includes(HOSTILE);
  for (const id of node.hostile) {
    const seq = Number(id.slice(id.lastIndexOf(':') + 1));
    // H's own floor for its own stream: the origin may say where its stream starts.
    if (!once.has(id) && !skipped && seq > top && seq > node.hostileFloor)
      return `${NAMES[index]} neither showed nor skipped ${id} of H`;
  }
  return undefined;
}

function verdict(world: World): string | undefined {
  if (world.failure !== undefined) return world.failure;
  for (let index = 0; index < HONEST.length; index++) {
    const broken =
      honestShown(world, index) ?? causalOrder(world, index) ?? hostileFate(world, index);
    if (broken !== undefined) return broken;
  }
  return undefined;
}

/** Runs the actions, then lets 3 W pass and empties the network; the first broken promise. */
function simulate(actions: readonly Action[], delays: readonly number[]): string | undefined {
  const world: World = {
    now: 0,
    nodes: HONEST.map((_, index) => newNode(index)),
    copies: [],
    duties: new Map(),
    pool: [],
    before: new Map(),
    tainted: new Set(),
    honestSent: [],
    delays,
    copiesMade: 0,
    hostileTexts: 0,
    failure: undefined,
  };
  handshake(world);
  for (const action of actions) {
    act(world, action);
    if (world.failure !== undefined) return world.failure;
  }
  advance(world, world.now + 3 * W);
  flush(world);
  advance(world, world.now + W);
  return verdict(world);
}

const who = fc.nat(HONEST.length - 1);
const small = fc.integer({ min: 0, max: 6 });
const value = fc.oneof(
  small,
  fc.integer({ min: 40, max: 60 }),
  fc.constant(2 ** 31),
  fc.constant(MAX),
);
const pairs: fc.Arbitrary<Pairs> = fc.array(fc.tuple(fc.nat(STREAMS.length - 1), value), {
  maxLength: 3,
});
const seq = fc.oneof(fc.integer({ min: 1, max: 6 }), fc.integer({ min: MAX - 3, max: MAX }));

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('type' as const),
      member: who,
      lines: fc.integer({ min: 1, max: 3 }),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('wait' as const),
      ms: fc.integer({ min: 1, max: W + 200 }),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constantFrom('deliver' as const, 'duplicate' as const, 'drop' as const),
      pick: fc.nat(1000),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('chat' as const),
      to: who,
      seq,
      texts: fc.integer({ min: 1, max: 3 }),
      deps: pairs,
      replay: fc.boolean(),
      old: fc.boolean(),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('replay' as const),
      to: who,
      pick: fc.nat(1000),
      replay: fc.boolean(),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('have' as const),
      to: who,
      vector: pairs,
      floor: pairs,
    }),
    weight: 2,
  },
);

const run = fc.record({
  actions: fc.array(action, { minLength: 1, maxLength: 40, size: 'max' }),
  delays: fc.array(fc.integer({ min: 1, max: W - 1 }), { minLength: 1, maxLength: 6 }),
});

describe('delivery with a hostile member (property test)', () => {
  it('honest messages reach every honest member once, in causal order, never skipped; nothing waits past the gap wait', () => {
    fc.assert(
      fc.property(run, ({ actions, delays }) => {
        expect(simulate(actions, delays)).toBeUndefined();
      }),
      { seed: 21, numRuns: 2000 },
    );
  });
});
