import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { burstFrames } from '../../src/core/burst.js';
import { MAX_MEMBERS_PER_FRAME, membersFrames } from '../../src/core/members-frames.js';
import { signChat } from '../../src/core/signing.js';
import { freshIdentity } from '../../src/io/identity.js';
import { MAX_FRAME_BYTES } from '../../src/protocol/frames.js';
import { frameJson } from '../../src/protocol/json-text.js';
import { memberEntry } from '../helpers/core-fixtures.js';

const identity = freshIdentity();

describe('bursts split into frames', () => {
  it('property: every signed frame, as written, fits the 64 KiB line limit', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ text: fc.string({ maxLength: 400, unit: 'binary' }), action: fc.boolean() }),
          { minLength: 1, maxLength: 2000 },
        ),
        fc.dictionary(fc.stringMatching(/^[a-f0-9]{16}\.[a-f0-9]{8}$/), fc.nat(), { maxKeys: 120 }),
        fc.string({ minLength: 1, maxLength: 32 }),
        (lines, deps, name) => {
          const header = {
            origin: identity.id,
            inc: 'abcd1234',
            name,
            seq: 1,
            deps,
            time: '2026-11-27T12:00:00.000Z',
          };
          const frames = burstFrames(header, lines).map((frame) => signChat(identity, frame));
          // Every line once, in order, actions marked, numbered on from the first.
          expect(frames.flatMap((f) => f.texts)).toEqual(lines.map((l) => l.text));
          expect(
            frames.flatMap((f, n) =>
              (f.acts ?? []).map(
                (i) => i + frames.slice(0, n).reduce((k, g) => k + g.texts.length, 0),
              ),
            ),
          ).toEqual(lines.flatMap((l, i) => (l.action ? [i] : [])));
          expect(frames.map((f) => f.seq)).toEqual(
            frames.map((_, i) => 1 + frames.slice(0, i).reduce((n, f) => n + f.texts.length, 0)),
          );
          for (const frame of frames) {
            expect(
              Buffer.byteLength(`${frameJson({ ...frame, replay: true })}\n`),
            ).toBeLessThanOrEqual(MAX_FRAME_BYTES);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('members gossip split into frames', () => {
  it('200 members with the longest fields: every frame fits the line limit and holds at most 128', () => {
    const long = (i: number) =>
      memberEntry(
        `c${i.toString(16).padStart(15, '0')}`,
        'ж'.repeat(32),
        `${'a'.repeat(290)}.x:${i + 1}`,
        {
          advertise: `${'a'.repeat(290)}.x:${i + 1}`,
          inc: 'f'.repeat(64),
        },
      );
    const members = Array.from({ length: 200 }, (_, i) => long(i));
    const frames = membersFrames(members);
    expect(frames.length).toBeGreaterThan(1);
    for (const frame of frames) {
      expect(Buffer.byteLength(`${frameJson(frame)}\n`)).toBeLessThanOrEqual(MAX_FRAME_BYTES);
      expect(frame.members.length).toBeLessThanOrEqual(MAX_MEMBERS_PER_FRAME);
    }
    expect(frames.flatMap((frame) => frame.members)).toEqual(members);
  });
});
