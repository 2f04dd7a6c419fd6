import { describe, expect, it } from 'vitest';
import { firstByteVerdict } from '../../src/io/first-byte.js';

const ALL_BYTES = Array.from({ length: 256 }, (_, byte) => byte);

describe('firstByteVerdict: an accepted connection’s first byte decides', () => {
  it('an open room takes `{` (a frame in the clear) and nothing else', () => {
    expect(firstByteVerdict(0x7b, false)).toEqual({ kind: 'clear' });
    const taken = ALL_BYTES.filter((byte) => firstByteVerdict(byte, false).kind !== 'refused');
    expect(taken).toEqual([0x7b]);
  });

  it('a closed room takes a TLS handshake record (0x16) and nothing else', () => {
    expect(firstByteVerdict(0x16, true)).toEqual({ kind: 'tls' });
    const taken = ALL_BYTES.filter((byte) => firstByteVerdict(byte, true).kind !== 'refused');
    expect(taken).toEqual([0x16]);
  });

  it('says why it refuses: the other room’s first byte, or neither', () => {
    expect(firstByteVerdict(0x16, false)).toEqual({
      kind: 'refused',
      refusal: 'tlsInOpenRoom',
      reason: 'it spoke TLS, but this room is open (no secret)',
    });
    expect(firstByteVerdict(0x7b, true)).toEqual({
      kind: 'refused',
      refusal: 'clearInClosedRoom',
      reason: 'it spoke in the clear, but this room is closed',
    });
    for (const closedRoom of [false, true]) {
      expect(firstByteVerdict(0x47, closedRoom)).toEqual({
        kind: 'refused',
        refusal: 'neither',
        reason: 'its first byte 0x47 is neither rxchat nor TLS',
      });
      expect(firstByteVerdict(0x0a, closedRoom)).toMatchObject({
        reason: 'its first byte 0x0a is neither rxchat nor TLS',
      });
    }
  });
});
