import { describe, expect, it } from 'vitest';
import type { MessageEvent, PeerState } from '../../src/core/output-event.js';
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

  it('/peers: the present first, aligned, and those that left apart', () => {
    const peer = (
      user: string,
      id: string,
      address: string,
      state: PeerState,
      rtt: number | null,
    ) => ({ user, id, address, state, rtt }) as const;
    const peers = {
      event: 'peers',
      peers: [
        peer('bob', '3fa2c0d9e8b71a64', '127.0.0.1:41235', 'linked', 2),
        peer('carolyn', 'c81e728d9d4c2f63', '10.0.0.7:8080', 'known', null),
        peer('dave', 'd1e2f3a4b5c6d7e8', '127.0.0.1:41237', 'quit', null),
      ],
    } as const;
    expect(formatHuman(peers, undefined, 0).split('\n')).toEqual([
      '* 2 member(s) present:',
      '  bob#3fa2      127.0.0.1:41235  linked  2 ms',
      '  carolyn#c81e  10.0.0.7:8080    known',
      '* 1 left:',
      '  dave#d1e2     127.0.0.1:41237  quit',
    ]);
  });
});
