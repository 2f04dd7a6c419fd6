import { describe, expect, it } from 'vitest';
import type { MessageEvent } from '../../src/core/output-event.js';
import { formatHuman } from '../../src/render/format-human.js';

const message: MessageEvent = {
  event: 'message',
  from: 'bob',
  origin: '3fa2c0d9e8b71a64',
  id: '3fa2c0d9e8b71a64.1:7',
  text: 'hi',
  time: '2026-11-27T12:01:05.120Z',
  history: false,
  action: false,
};

describe('human output', () => {
  it('a message shown with a dependency missing says so: (out of order)', () => {
    expect(formatHuman({ ...message, unmet: true }, undefined, 0)).toMatch(
      /bob: hi \(out of order\)$/,
    );
    expect(formatHuman({ ...message, action: true, unmet: true }, undefined, 0)).toMatch(
      /\* bob hi \(out of order\)$/,
    );
  });

  it('a message in order says nothing more', () => {
    expect(formatHuman(message, undefined, 0)).toMatch(/bob: hi$/);
  });

  it('a gap names the user and how many were skipped', () => {
    const gap = { event: 'gap', origin: '3fa2c0d9e8b71a64', user: 'bob', missing: 15 } as const;
    expect(formatHuman(gap, undefined, 0)).toBe(
      '* 15 message(s) from bob (3fa2c0d9) could not be had from anyone; skipped',
    );
  });
});
