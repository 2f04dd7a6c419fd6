import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MessageEvent } from '../../src/core/output-event.js';
import type { ChatFrame } from '../../src/protocol/frames.js';
import { frameJson, isPlain, quote, textsJson } from '../../src/protocol/json-text.js';
import { escapeControls, makeEventJson } from '../../src/render/event-json.js';

/** Any UTF-16 code unit, lone surrogates and control characters included. */
const anyText = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
  fc.string({ unit: 'binary' }),
  fc.string(),
);

/** Any C0 or C1 control, DEL, or a line or paragraph separator, raw. */
const RAW_CONTROL = /[\p{Cc}\u2028\u2029]/u;

describe('JSON written by hand is exactly what JSON.stringify writes', () => {
  it('property: quote, for any string; a plain one is itself in quotes', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(quote(text)).toBe(JSON.stringify(text));
        if (isPlain(text)) expect(JSON.stringify(text)).toBe(`"${text}"`);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: the texts of a burst serialise as JSON.stringify does, and once', () => {
    fc.assert(
      fc.property(fc.array(anyText, { maxLength: 20 }), (texts) => {
        expect(textsJson(texts)).toBe(JSON.stringify(texts));
        expect(textsJson(texts)).toBe(textsJson(texts));
      }),
    );
  });

  it('property: a chat frame as written parses back to the same frame', () => {
    const frame: fc.Arbitrary<ChatFrame> = fc
      .record({
        origin: anyText,
        inc: anyText,
        name: anyText,
        seq: fc.nat(),
        deps: fc.dictionary(anyText, fc.nat()),
        time: anyText,
        texts: fc.array(anyText, { minLength: 1, maxLength: 5 }),
        acts: fc.option(fc.constant([0]), { nil: undefined }),
        key: anyText,
        sig: anyText,
        replay: fc.option(fc.boolean(), { nil: undefined }),
      })
      .map(({ replay, acts, ...rest }) => ({
        type: 'chat' as const,
        ...rest,
        ...(acts === undefined ? {} : { acts }),
        ...(replay === undefined ? {} : { replay }),
      }));
    fc.assert(
      fc.property(frame, (f) => {
        expect(JSON.parse(frameJson(f))).toEqual(f);
      }),
    );
    const ping = { type: 'ping' as const, t: 5 };
    expect(frameJson(ping)).toBe(JSON.stringify(ping));
  });

  it('property: a --json message line is JSON.stringify of the event, with DEL, C1 and U+2028/9 escaped', () => {
    const eventJson = makeEventJson();
    const event: fc.Arbitrary<MessageEvent> = fc
      .record({
        from: anyText,
        origin: anyText,
        id: anyText,
        text: anyText,
        time: anyText,
        history: fc.boolean(),
        action: fc.boolean(),
        to: fc.option(anyText, { nil: undefined }),
        unmet: fc.boolean(),
      })
      .map(({ to, unmet, ...rest }) => ({
        event: 'message' as const,
        ...rest,
        ...(to === undefined ? {} : { to }),
        ...(unmet ? { unmet: true as const } : {}),
      }));
    fc.assert(
      fc.property(event, (e) => {
        const line = eventJson(e);
        expect(line).toBe(escapeControls(JSON.stringify(e)));
        // The same value, and no raw control a terminal could act on.
        expect(JSON.parse(line)).toEqual(e);
        expect(line).not.toMatch(RAW_CONTROL);
      }),
      { numRuns: 1000 },
    );
    const c1 = { event: 'join' as const, user: 'x\u009b2J\u0085\u007f', id: 'b0', address: 'a' };
    expect(eventJson(c1)).toBe(
      '{"event":"join","user":"x\\u009b2J\\u0085\\u007f","id":"b0","address":"a"}',
    );
    const join = { event: 'join' as const, user: 'bob', id: 'b0', address: '127.0.0.1:1' };
    expect(eventJson(join)).toBe(JSON.stringify(join));
  });

  it('property: runs of messages that share sender and time, through two writers at once', () => {
    const sender = fc.constantFrom('alice', 'bob', 'c"q');
    const message: fc.Arbitrary<MessageEvent> = fc.record({
      event: fc.constant('message' as const),
      from: sender,
      origin: sender,
      id: anyText,
      text: anyText,
      time: fc.constantFrom('12:00', '12:01'),
      history: fc.boolean(),
      action: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), message), { maxLength: 30 }), (steps) => {
        // Each writer keeps its own cache: what one printed last never leaks into the other.
        const writers = [makeEventJson(), makeEventJson()] as const;
        for (const [second, e] of steps) {
          expect(writers[second ? 1 : 0](e)).toBe(escapeControls(JSON.stringify(e)));
        }
      }),
    );
  });
});
