import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  isArrival,
  parseLocalTime,
  seedMessageId,
  seedNotice,
  seedTimeUtc,
} from '../../src/core/seed-lines.js';

/** What a line from the original exercise means: a notice, or a chat line with its id and UTC time. */

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const at = (text: string) => ({ time: '2024-02-03T12:15:00.123456', name: 'Andrea', text });

describe("an original's lines", () => {
  it('its notices are joins and leaves, never chat lines; anything else is a chat line', () => {
    expect(seedNotice(at('has connected from 0.0.0.0:0!'))).toBe('connected');
    expect(seedNotice(at('has connected from 127.0.0.1:8080!'))).toBe('connected');
    expect(seedNotice(at('has joined the chat!'))).toBe('joined');
    expect(seedNotice(at('is disconnecting!'))).toBe('disconnecting');
    expect(seedNotice(at('has left the chat!'))).toBe('left');
    for (const text of [
      'hello',
      'is disconnecting! ok',
      'has connected from !',
      'Has joined the chat!',
    ])
      expect(seedNotice(at(text)), text).toBeUndefined();
    expect([...(['connected', 'joined', 'disconnecting', 'left'] as const)].map(isArrival)).toEqual(
      [true, true, false, false],
    );
  });

  it("a chat line's id is seed: and 16 hex digits of its name, time and text: one id for an echo, another for another line", () => {
    const id = seedMessageId(at('hi'), sha256);
    expect(id).toMatch(/^seed:[0-9a-f]{16}$/);
    expect(seedMessageId(at('hi'), sha256)).toBe(id);
    expect(seedMessageId(at('hi!'), sha256)).not.toBe(id);
    expect(seedMessageId({ ...at('hi'), name: 'Bea' }, sha256)).not.toBe(id);
    expect(seedMessageId({ ...at('hi'), time: '2024-02-03T12:15:01' }, sha256)).not.toBe(id);
  });

  it('its local time is read in this node’s time zone and given in UTC', () => {
    expect(parseLocalTime('2024-02-03T12:15:00.123456')).toEqual({
      year: 2024,
      month: 2,
      day: 3,
      hour: 12,
      minute: 15,
      second: 0,
      ms: 123,
    });
    expect(parseLocalTime('2024-02-03T12:15:00')).toMatchObject({ ms: 0 });
    for (const bad of ['yesterday', '2024-13-03T12:15:00', '2024-02-03T25:00:00', '2024-02-03'])
      expect(parseLocalTime(bad), bad).toBeUndefined();
    // A zone two hours ahead of UTC: 12:15 there is 10:15 UTC.
    const plusTwo = (t: {
      year: number;
      month: number;
      day: number;
      hour: number;
      minute: number;
      second: number;
      ms: number;
    }) => Date.UTC(t.year, t.month - 1, t.day, t.hour - 2, t.minute, t.second, t.ms);
    expect(seedTimeUtc('2024-02-03T12:15:00.123456', plusTwo)).toBe('2024-02-03T10:15:00.123Z');
    expect(seedTimeUtc('not a time', plusTwo)).toBeUndefined();
  });
});
