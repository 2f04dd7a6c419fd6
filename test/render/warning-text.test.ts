import { describe, expect, it } from 'vitest';
import type { Warning } from '../../src/core/warning.js';
import { nameOf, warningText } from '../../src/render/warning-text.js';

const bob = { name: 'bob', id: 'bb00aa11', tagged: false };
const zed = { name: 'zed', id: 'c3f0aa11', tagged: true };

describe('warnings in words', () => {
  const cases: [Warning, string][] = [
    [
      { code: 'lineTooLong', maxChars: 16_000 },
      'a line over 16000 characters was refused; nothing was sent',
    ],
    [{ code: 'usage', command: 'msg' }, 'usage: /msg <name> <text>, e.g. /msg bob psst'],
    [
      { code: 'unresolved', command: 'msg', why: { reason: 'none', target: 'al' } },
      '/msg: no member named al (/peers lists them); nothing was sent',
    ],
    [
      {
        code: 'unresolved',
        command: 'whois',
        why: {
          reason: 'ambiguous',
          target: 'zed',
          name: 'zed',
          candidates: [zed, { ...zed, id: 'a1b2' }],
        },
      },
      '/whois: zed is ambiguous: zed#c3f0, zed#a1b2; say which, e.g. /msg zed#c3f0 …',
    ],
    [
      {
        code: 'linkLost',
        link: { remote: '127.0.0.1:5000', member: zed },
        reason: 'read ECONNRESET',
      },
      'zed#c3f0 (127.0.0.1:5000) lost: read ECONNRESET',
    ],
    [
      {
        code: 'badInput',
        link: { remote: '127.0.0.1:5001' },
        problem: 'sent a line that is not JSON',
        closed: true,
      },
      'peer 127.0.0.1:5001: sent a line that is not JSON; connection closed',
    ],
    [
      {
        code: 'notReading',
        link: { remote: '127.0.0.1:5002', member: bob },
        lost: true,
        why: { kind: 'stalled', ms: 5000 },
      },
      'bob (127.0.0.1:5002) lost: it stopped reading: nothing drained for 5000 ms',
    ],
    [
      { code: 'unconfirmed', lingerMs: 5000, members: [bob, zed], lines: 3 },
      "not confirmed within 5000 ms by: bob, zed#c3f0; they may have missed some of this node's 3 line(s)",
    ],
    [
      { code: 'heldFull', max: 2000, total: 10_000, dropped: 20, name: 'mal' },
      'held-back queue full (at most 2000 messages of one member, 10000 in all): dropped 20 from mal; they will be asked for again',
    ],
    [
      { code: 'forgedChat', name: 'alice', origin: 'a1b2c3d4e5f6', via: bob },
      'dropped a message claiming to be from alice (a1b2c3d4) that came from bob: its signature does not verify',
    ],
  ];
  for (const [warning, text] of cases) {
    it(warning.code, () => expect(warningText(warning)).toBe(text));
  }

  it('a shared name is shown with the first four characters of the id', () => {
    expect([nameOf(bob), nameOf(zed)]).toEqual(['bob', 'zed#c3f0']);
  });
});
