import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signChat, verifyChat } from '../../src/core/signing.js';
import { freshIdentity } from '../../src/io/identity.js';
import type { ChatFrame } from '../../src/protocol/frames.js';
import { validateFrame } from '../../src/protocol/validate-frame.js';

const origin = freshIdentity();
const other = freshIdentity();

const burst = fc.record({
  // Any name the network allows: letters of any script, digits, marks, `.`, `_`, `-`.
  name: fc.stringMatching(/^[\p{L}\p{N}._-][\p{L}\p{M}\p{N}._-]{0,15}$/u),
  seq: fc.integer({ min: 1, max: 1_000_000 }),
  deps: fc.dictionary(fc.constantFrom('a1.1', 'b2.2', 'c3.ff'), fc.nat(1000), { maxKeys: 3 }),
  time: fc.constantFrom('2026-11-27T12:00:00.000Z', '2026-11-27T12:00:01.000Z'),
  lines: fc.array(fc.record({ text: fc.string({ maxLength: 40 }), action: fc.boolean() }), {
    minLength: 1,
    maxLength: 5,
  }),
});

type Burst = typeof burst extends fc.Arbitrary<infer T> ? T : never;

function signed(fields: Burst): ChatFrame {
  const acts = fields.lines.flatMap(({ action }, i) => (action ? [i] : []));
  return signChat(origin, {
    type: 'chat',
    origin: origin.id,
    inc: 'abc123',
    name: fields.name,
    seq: fields.seq,
    deps: fields.deps,
    time: fields.time,
    texts: fields.lines.map(({ text }) => text),
    ...(acts.length === 0 ? {} : { acts }),
  });
}

/** Every way a relay could change a signed burst. */
const tamper = fc.oneof(
  fc.constant((f: ChatFrame): ChatFrame => ({ ...f, name: `${f.name}x` })),
  fc.constant((f: ChatFrame): ChatFrame => ({ ...f, seq: f.seq + 1 })),
  fc.constant((f: ChatFrame): ChatFrame => ({ ...f, inc: 'abc124' })),
  fc.constant((f: ChatFrame): ChatFrame => ({ ...f, origin: other.id })),
  fc.constant((f: ChatFrame): ChatFrame => ({ ...f, key: other.key })),
  fc.constant((f: ChatFrame): ChatFrame => ({ ...f, deps: { ...f.deps, 'z9.9': 1 } })),
  fc.constant(
    (f: ChatFrame): ChatFrame => ({
      ...f,
      texts: f.texts.map((t, i) => (i === 0 ? `${t}!` : t)),
    }),
  ),
  fc.constant((f: ChatFrame): ChatFrame => ({ ...f, time: '2000-01-01T00:00:00.000Z' })),
  // The first message made an action, or no longer one.
  fc.constant((f: ChatFrame): ChatFrame => {
    const rest = (f.acts ?? []).filter((i) => i !== 0);
    const acts = f.acts?.includes(0) === true ? rest : [0, ...rest];
    const { acts: _acts, ...plain } = f;
    return acts.length === 0 ? plain : { ...plain, acts };
  }),
  fc.constant((f: ChatFrame): ChatFrame => ({ ...f, texts: [...f.texts, 'extra'] })),
  fc.constant(
    (f: ChatFrame): ChatFrame => ({
      ...f,
      texts: f.texts.length > 1 ? f.texts.slice(1) : ['swapped'],
      ...(f.acts === undefined ? {} : { acts: f.acts.filter((i) => i < f.texts.length - 1) }),
    }),
  ),
  fc.nat(63).map((at) => (f: ChatFrame): ChatFrame => {
    const bytes = Buffer.from(f.sig, 'base64');
    bytes[at % bytes.length] = (bytes[at % bytes.length] ?? 0) ^ 0x01;
    return { ...f, sig: bytes.toString('base64') };
  }),
);

describe('signed bursts (property tests, real Ed25519)', () => {
  it('any change to a signed burst is detected', () => {
    fc.assert(
      fc.property(burst, tamper, (fields, change) => {
        const frame = signed(fields);
        expect(verifyChat(origin, frame)).toBe(true);
        expect(verifyChat(origin, change(frame))).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('a valid burst still verifies after forwarding (re-serialised) and after catch-up (marked replay)', () => {
    fc.assert(
      fc.property(burst, (fields) => {
        const frame = signed(fields);
        const forwarded = validateFrame(JSON.parse(JSON.stringify(frame)));
        expect(forwarded.ok).toBe(true);
        if (forwarded.ok && forwarded.frame.type === 'chat')
          expect(verifyChat(origin, forwarded.frame)).toBe(true);
        const replayed = validateFrame(JSON.parse(JSON.stringify({ ...frame, replay: true })));
        if (replayed.ok && replayed.frame.type === 'chat')
          expect(verifyChat(other, replayed.frame)).toBe(true);
        else expect.fail('the replayed frame does not validate');
      }),
      { numRuns: 200 },
    );
  });
});
