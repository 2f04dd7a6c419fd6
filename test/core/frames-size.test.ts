import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { framesOf } from '../../src/core/log.js';
import { signChat } from '../../src/core/signing.js';
import { freshIdentity } from '../../src/io/identity.js';
import { MAX_FRAME_BYTES } from '../../src/protocol/frames.js';
import { frameJson } from '../../src/protocol/json-text.js';

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
          const messages = lines.map(({ text, action }, i) => ({
            stream: `${identity.id}.abcd1234`,
            seq: i + 1,
            deps,
            origin: identity.id,
            inc: 'abcd1234',
            name,
            text,
            time: '2026-11-27T12:00:00.000Z',
            history: false,
            action,
          }));
          const frames = framesOf(messages).map((frame) => signChat(identity, frame));
          expect(frames.reduce((n, f) => n + f.msgs.length, 0)).toBe(lines.length);
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
