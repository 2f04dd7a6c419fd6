import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Waiting } from '../../src/io/admit.js';
import { admit } from '../../src/io/admit.js';

/**
 * The admission of a new connection, from plain values: it is always taken,
 * and when a limit on connections without a handshake is full, the one that
 * waited longest goes (from its address, or from the address with the most).
 */

const LIMITS = { maxUnauthenticated: 6, maxUnauthenticatedPerAddress: 3 };

/** Connections waiting, oldest first, from the addresses given (keys `address#n`). */
function waiting(...addresses: string[]): Waiting[] {
  return addresses.map((address, n) => ({ key: `${address}#${n}`, address }));
}

describe('admitting a connection', () => {
  it('under both limits it is taken and nothing is closed', () => {
    expect(admit([], 'a', LIMITS)).toEqual({});
    expect(admit(waiting('a', 'a', 'b', 'c', 'c'), 'a', LIMITS)).toEqual({});
  });

  it('from an address at its limit: the oldest from that address goes, not an older one of another', () => {
    expect(admit(waiting('b', 'a', 'c', 'a', 'a'), 'a', LIMITS)).toEqual({
      evict: 'a#1',
      reason: 'closed for a newer one: 3 connections from one address still without a handshake',
      limit: 'address',
    });
  });

  it('at the limit in all: the oldest of the address that has the most goes', () => {
    expect(admit(waiting('a', 'b', 'c', 'c', 'b', 'c'), 'd', LIMITS)).toEqual({
      evict: 'c#2',
      reason: 'closed for a newer one: 6 connections still without a handshake',
      limit: 'all',
    });
  });

  it('at the limit in all, addresses with as many: the one whose connection waited longest', () => {
    expect(admit(waiting('a', 'b', 'c', 'a', 'b', 'c'), 'd', LIMITS).evict).toBe('a#0');
    expect(admit(waiting('b', 'a', 'a', 'b', 'c', 'd'), 'e', LIMITS).evict).toBe('b#0');
  });

  it('at the limit in all, from the address that has the most: its own oldest goes', () => {
    expect(admit(waiting('x', 'a', 'a', 'b', 'a', 'y'), 'a', LIMITS).evict).toBe('a#1');
  });

  it('one address alone never closes another address’s connection while it holds its limit', () => {
    // Five honest ones from five addresses and a flood from one: the flood only displaces itself.
    let held = waiting('h1', 'h2', 'h3');
    for (let n = 0; n < 100; n++) {
      const admission = admit(held, 'flood', LIMITS);
      held = held.filter((w) => w.key !== admission.evict);
      held.push({ key: `flood#${n}`, address: 'flood' });
    }
    expect(held.filter((w) => w.address !== 'flood').map((w) => w.key)).toEqual([
      'h1#0',
      'h2#1',
      'h3#2',
    ]);
  });

  it('any run of arrivals: every new one is taken, both limits always hold, and the one closed waited longest of its address', () => {
    const limits = fc.record({
      maxUnauthenticated: fc.integer({ min: 1, max: 12 }),
      maxUnauthenticatedPerAddress: fc.integer({ min: 1, max: 5 }),
    });
    const arrivals = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { maxLength: 80 });
    fc.assert(
      fc.property(limits, arrivals, (lim, addresses) => {
        let held: Waiting[] = [];
        addresses.forEach((address, n) => {
          const admission = admit(held, address, lim);
          if (admission.evict !== undefined) {
            const gone = held.find((w) => w.key === admission.evict);
            expect(gone).toBeDefined();
            expect(held.find((w) => w.address === gone?.address)).toBe(gone);
          }
          held = held.filter((w) => w.key !== admission.evict);
          held.push({ key: `${address}#${n}`, address });
          expect(held.length).toBeLessThanOrEqual(lim.maxUnauthenticated);
          const fromIt = held.filter((w) => w.address === address).length;
          expect(fromIt).toBeLessThanOrEqual(lim.maxUnauthenticatedPerAddress);
        });
      }),
    );
  });
});
