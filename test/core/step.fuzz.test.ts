import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { announcementText } from '../../src/core/announcement.js';
import type { NodeEvent } from '../../src/core/event.js';
import { initialState } from '../../src/core/state.js';
import { step } from '../../src/core/step.js';
import type { Announcement, Frame } from '../../src/protocol/frames.js';
import { validateFrame } from '../../src/protocol/validate-frame.js';
import { fakeIdentity, signedChat, testConfig } from '../helpers/core-fixtures.js';

/** The signature the member's own fake key gives its announcement. */
const signedBy = (announcement: Omit<Announcement, 'sig'>): string =>
  fakeIdentity(announcement.id).sign(announcementText(announcement));

const token = fc.constantFrom(
  'aa00000000000000',
  'bb00000000000000',
  'b000000000000000',
  'cc',
  'x-1',
  'zz_9',
);
const inc = fc.constantFrom('1', '2', 'ff');
const stream = fc.tuple(token, inc).map(([id, i]) => `${id}.${i}`);
const vector = fc.dictionary(stream, fc.nat(20), { maxKeys: 4 });
const text = fc.string({ maxLength: 20 });
/** Names the network allows, look-alikes among them. */
const name = fc.constantFrom('bob', 'Bob', 'bоb', 'b0b', 'zoë', 'm_1', 'Ωmega');

/** Frames the validator accepts, with hostile values where the types allow. */
const frame: fc.Arbitrary<Frame> = fc.oneof(
  fc
    .record({
      type: fc.constant('hello' as const),
      v: fc.constantFrom(1, 2),
      id: token,
      inc,
      name,
      port: fc.nat(65535),
      mesh: fc.boolean(),
      key: token.map((id) => `key-${id}`),
      dh: fc.constant('dh'),
      time: fc.constantFrom('1970-01-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z'),
      sig: fc.constant('forged'),
      nonce: fc.constantFrom('nonce-1', 'nonce-2', 'x'),
    })
    .chain((hello) => fc.constantFrom(hello, { ...hello, sig: signedBy(hello) })),
  fc.record({
    type: fc.constant('members' as const),
    members: fc.array(
      fc
        .record({
          id: token,
          name,
          address: fc.constantFrom('127.0.0.1:1', '[::1]:2', 'x'),
          mesh: fc.boolean(),
          inc,
          port: fc.constantFrom(1, 2),
          key: token.map((id) => `key-${id}`),
          dh: fc.constant('dh'),
          time: fc.constantFrom('1970-01-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z'),
          sig: fc.constant('forged'),
        })
        .chain((entry) => fc.constantFrom(entry, { ...entry, sig: signedBy(entry) })),
      { maxLength: 3 },
    ),
  }),
  fc
    .tuple(
      fc.record({
        type: fc.constant('chat' as const),
        origin: token,
        inc,
        name,
        seq: fc.integer({ min: 1, max: 30 }),
        deps: vector,
        time: fc.constantFrom('2026-01-01T00:00:00.000Z', 'nonsense'),
        texts: fc.array(text, { minLength: 1, maxLength: 4 }),
      }),
      fc.boolean(),
    )
    // Half signed by their origin, half with a bad signature.
    .map(([chat, genuine]) =>
      genuine ? signedChat(chat) : { ...chat, key: `key-${chat.origin}`, sig: 'forged' },
    ),
  fc.record({
    type: fc.constant('proof' as const),
    sig: fc.constantFrom('x', 'key-bb00000000000000|nope'),
  }),
  fc.record({ type: fc.constant('have' as const), vector, floor: vector }),
  fc.record({ type: fc.constant('links' as const), peers: fc.array(token, { maxLength: 3 }) }),
  fc.record({ type: fc.constant('ping' as const), t: fc.integer() }),
  fc.record({ type: fc.constant('pong' as const), t: fc.integer(), seen: fc.nat(40) }),
  fc.record({
    type: fc.constant('bye' as const),
    reason: fc.constantFrom(
      'quit' as const,
      'duplicate' as const,
      'incompatible' as const,
      'refused' as const,
    ),
  }),
);

const link = fc.integer({ min: 1, max: 4 });
const event = (at: number): fc.Arbitrary<NodeEvent> =>
  fc.oneof(
    fc.record({
      kind: fc.constant('linkUp' as const),
      at: fc.constant(at),
      link,
      remote: fc.constantFrom('127.0.0.1:5000', '[::1]:6000'),
      direction: fc.constantFrom('in' as const, 'out' as const),
      nonce: fc.constant('nonce-1'),
    }),
    fc.record({ kind: fc.constant('frame' as const), at: fc.constant(at), link, frame }),
    fc.record({ kind: fc.constant('frame' as const), at: fc.constant(at), link, frame }),
    fc.record({
      kind: fc.constant('linkDown' as const),
      at: fc.constant(at),
      link,
      reason: fc.constant('reset'),
    }),
    fc.record({
      kind: fc.constant('badInput' as const),
      at: fc.constant(at),
      link,
      problem: fc.constant('junk'),
      fatal: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant('input' as const),
      at: fc.constant(at),
      lines: fc.array(
        fc.oneof(text, fc.constantFrom('/peers', '/stats', '/quit', '/nope', '//x')),
        { maxLength: 3 },
      ),
    }),
    fc.record({ kind: fc.constant('tick' as const), at: fc.constant(at) }),
    fc.record({
      kind: fc.constant('signal' as const),
      at: fc.constant(at),
      signal: fc.constantFrom('SIGINT' as const, 'SIGTERM' as const),
    }),
  );

describe('the core under random input (fuzz)', () => {
  it('the generated frames are ones the validator accepts', () => {
    fc.assert(
      fc.property(frame, (f) => {
        expect(validateFrame(JSON.parse(JSON.stringify(f)))).toMatchObject({ ok: true });
      }),
    );
  });

  it('no sequence of events makes step throw, and the held-back queue and log stay within their bounds', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.nat(100), { maxLength: 60 })
          .chain((gaps) => fc.tuple(...gaps.map((_, i) => event(i * 700)))),
        (events) => {
          let state = initialState(testConfig({ historyLimit: 5, maxHeld: 8 }));
          state = step(state, { kind: 'start', at: 0 }).state;
          for (const e of events) {
            const result = step(state, e);
            state = result.state;
            for (const effect of result.effects) expect(typeof effect.kind).toBe('string');
          }
          expect(state.chat.log.length).toBeLessThanOrEqual(5);
          expect(state.chat.delivery.heldCount).toBeLessThanOrEqual(8);
        },
      ),
      { numRuns: 500 },
    );
  });
});
