import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { directBoxOf, freshDirectBox, nonceOf } from '../../src/io/direct-box.js';

/** The X25519 private keys of RFC 7748, section 6.1. */
const PKCS8_X25519 = '302e020100300506032b656e04220420';
const x25519 = (hex: string) =>
  createPrivateKey({ key: Buffer.from(PKCS8_X25519 + hex, 'hex'), format: 'der', type: 'pkcs8' });
const ALICE = '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a';
const BOB = '5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb';

describe('direct box: X25519, HKDF-SHA256, ChaCha20-Poly1305', () => {
  const alice = directBoxOf(x25519(ALICE));
  const bob = directBoxOf(x25519(BOB));
  const info = 'rxchat-dm-v3\na.1\nb.1';

  it("announces RFC 7748's public keys", () => {
    expect(Buffer.from(alice.dh, 'base64').toString('hex')).toBe(
      '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
    );
    expect(Buffer.from(bob.dh, 'base64').toString('hex')).toBe(
      'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f',
    );
  });

  it('opens for the other key of the pair only, with the same info, number and header', () => {
    const box = alice.seal(bob.dh, info, 7, 'header', 'psst') ?? '';
    expect(bob.open(alice.dh, info, 7, 'header', box)).toBe('psst');
    expect(Buffer.from(box, 'base64').toString('latin1')).not.toContain('psst');
    expect(bob.open(alice.dh, info, 8, 'header', box)).toBeUndefined();
    expect(bob.open(alice.dh, 'rxchat-dm-v3\nb.1\na.1', 7, 'header', box)).toBeUndefined();
    expect(bob.open(alice.dh, info, 7, 'headex', box)).toBeUndefined();
    const carol = freshDirectBox();
    expect(carol.open(alice.dh, info, 7, 'header', box)).toBeUndefined();
    const flipped = Buffer.from(box, 'base64');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(bob.open(alice.dh, info, 7, 'header', flipped.toString('base64'))).toBeUndefined();
  });

  it('a peer key that is no key, or of low order, seals and opens nothing', () => {
    for (const bad of ['', 'AAAA', Buffer.alloc(32).toString('base64'), 'x'.repeat(44)]) {
      expect(alice.seal(bad, info, 1, 'h', 'x')).toBeUndefined();
      expect(alice.open(bad, info, 1, 'h', 'AAAAAAAAAAAAAAAAAAAAAA==')).toBeUndefined();
    }
  });

  it('a box too short to hold its tag opens to nothing; any text seals and opens as it was', () => {
    expect(bob.open(alice.dh, info, 1, 'h', 'AAAA')).toBeUndefined();
    const text = 'é 😀 \u0000 \u202e';
    const sealed = alice.seal(bob.dh, info, 2, 'h', text) ?? '';
    expect(bob.open(alice.dh, info, 2, 'h', sealed)).toBe(text);
  });

  it('the nonce is four zero bytes and the number, 64-bit big-endian', () => {
    expect(nonceOf(1).toString('hex')).toBe('000000000000000000000001');
    expect(nonceOf(2 ** 53 - 1).toString('hex')).toBe('00000000001fffffffffffff');
  });
});
