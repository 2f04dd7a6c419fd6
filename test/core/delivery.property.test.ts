import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Causal, DeliveryState, Ordering } from '../../src/core/delivery.js';
import { emptyDelivery } from '../../src/core/delivery.js';
import { deliverOwn, receive, vectorRecord } from '../../src/core/delivery-receive.js';
import { changedDeps } from '../../src/core/small-deps.js';

interface Msg extends Causal {
  readonly id: string;
  readonly sender: number;
}

type Action =
  | { kind: 'send'; member: number }
  | { kind: 'deliver'; pick: number }
  | { kind: 'duplicate'; pick: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('send' as const), member: fc.nat(5) }),
  fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat(1000) }),
  fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat(1000) }),
  fc.record({ kind: fc.constant('duplicate' as const), pick: fc.nat(1000) }),
);

interface Member {
  state: DeliveryState<Msg>;
  seq: number;
  /** What its previous message's deps said (for the small deps of protocol v3). */
  sent: ReadonlyMap<string, number>;
  /** Every message id this member has sent or delivered, in order. */
  readonly seen: string[];
  /** Messages from others, in delivery order. */
  readonly delivered: string[];
}

/**
 * Simulates `size` members chatting over a network that delays, reorders and
 * duplicates every copy, each member running the delivery core. Returns the
 * first broken promise, or undefined when every member delivered every other
 * member's message exactly once and after everything it causally depends on.
 */
function simulate(
  size: number,
  actions: readonly Action[],
  drainOrder: readonly number[],
  ordering: Ordering,
  deps: 'full' | 'changed' = 'full',
): string | undefined {
  const members: Member[] = Array.from({ length: size }, () => ({
    state: emptyDelivery<Msg>(),
    seq: 0,
    sent: new Map(),
    seen: [],
    delivered: [],
  }));
  const before = new Map<string, ReadonlySet<string>>();
  const sent: Msg[] = [];
  const network: { to: number; msg: Msg }[] = [];
  const options = { ordering, maxHeld: 1_000_000, maxHeldPerOrigin: 1_000_000 };
  const arrive = (to: number, msg: Msg): void => {
    const member = members[to] as Member;
    const result = receive(member.state, [msg], 0, options);
    member.state = result.state;
    for (const m of result.delivered) {
      member.delivered.push(m.id);
      member.seen.push(m.id);
    }
  };
  const take = (pick: number): void => {
    const [copy] = network.splice(pick % network.length, 1);
    if (copy !== undefined) arrive(copy.to, copy.msg);
  };
  for (const step of actions) {
    if (step.kind === 'send') {
      const index = step.member % size;
      const member = members[index] as Member;
      const stream = `m${index}.1`;
      member.seq += 1;
      const full = vectorRecord(member.state.vector, stream);
      const changed = changedDeps(full, member.sent);
      member.sent = changed.sent;
      const msg: Msg = {
        stream,
        seq: member.seq,
        deps: deps === 'full' ? full : changed.deps,
        id: `${stream}:${member.seq}`,
        sender: index,
      };
      before.set(msg.id, new Set(member.seen));
      member.state = deliverOwn(member.state, stream, member.seq);
      member.seen.push(msg.id);
      sent.push(msg);
      for (let to = 0; to < size; to++) if (to !== index) network.push({ to, msg });
    } else if (network.length > 0) {
      if (step.kind === 'deliver') take(step.pick);
      else network.push(network[step.pick % network.length] as { to: number; msg: Msg });
    }
  }
  for (const pick of drainOrder) if (network.length > 0) take(pick);
  while (network.length > 0) take(0);

  for (const [index, member] of members.entries()) {
    const expected = sent.filter((m) => m.sender !== index).map((m) => m.id);
    if (member.delivered.length !== new Set(member.delivered).size)
      return `member ${index} delivered a message twice`;
    if ([...expected].sort().join() !== [...member.delivered].sort().join())
      return `member ${index} missed a message`;
    const position = new Map(member.delivered.map((id, at) => [id, at]));
    for (const id of member.delivered) {
      for (const cause of before.get(id) ?? []) {
        const causeAt = position.get(cause);
        if (causeAt !== undefined && causeAt > (position.get(id) ?? 0))
          return `member ${index} showed ${id} before ${cause}, which it answers`;
      }
    }
  }
  return undefined;
}

const conversation = fc.record({
  size: fc.integer({ min: 3, max: 6 }),
  actions: fc.array(action, { minLength: 1, maxLength: 80 }),
  drainOrder: fc.array(fc.nat(1000), { maxLength: 200 }),
});

describe('causal delivery (property tests)', () => {
  it('every member delivers every message exactly once, in an order that respects happened-before', () => {
    fc.assert(
      fc.property(conversation, ({ size, actions, drainOrder }) => {
        expect(simulate(size, actions, drainOrder, 'causal')).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('the same holds when each message carries only the deps that changed since its sender’s previous one', () => {
    fc.assert(
      fc.property(conversation, ({ size, actions, drainOrder }) => {
        expect(simulate(size, actions, drainOrder, 'causal', 'changed')).toBeUndefined();
      }),
      { numRuns: 5000 },
    );
  });

  it('the same property fails when the core is reduced to per-origin FIFO', () => {
    const result = fc.check(
      fc.property(
        conversation,
        ({ size, actions, drainOrder }) =>
          simulate(size, actions, drainOrder, 'fifo') === undefined,
      ),
      { numRuns: 1000, seed: 42 },
    );
    expect(result.failed).toBe(true);
    const [counterexample] = result.counterexample ?? [];
    expect(counterexample).toBeDefined();
    const reason =
      counterexample === undefined
        ? ''
        : simulate(counterexample.size, counterexample.actions, counterexample.drainOrder, 'fifo');
    expect(reason).toMatch(/before .*, which it answers/);
  });
});
