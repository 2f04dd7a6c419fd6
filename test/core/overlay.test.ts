import { describe, expect, it } from 'vitest';
import { checkOptions } from '../../src/cli/check-args.js';
import { FULL_MESH_UP_TO, isBounded, linksTarget } from '../../src/core/overlay.js';
import type { Member, NodeState } from '../../src/core/state.js';
import { initialState } from '../../src/core/state.js';
import { testConfig } from '../helpers/core-fixtures.js';

/** A node that knows `others` members present (known through gossip). */
function knowing(others: number, fields: Parameters<typeof testConfig>[0] = {}): NodeState {
  const state = initialState(testConfig(fields));
  const members = new Map<string, Member>();
  for (let i = 0; i < others; i++) {
    const id = String(i + 1).padStart(16, 'a');
    members.set(id, {
      id,
      name: `m${i}`,
      address: `127.0.0.1:${10_000 + i}`,
      mesh: true,
      state: 'known',
      confirmed: 0,
      sent: 0,
      received: 0,
      framesSent: 0,
      framesReceived: 0,
    });
  }
  return { ...state, members };
}

describe('how many links a node keeps', () => {
  it(`a full mesh up to ${FULL_MESH_UP_TO} members present, then ⌈log₂ N⌉ + 2`, () => {
    expect(FULL_MESH_UP_TO).toBe(24);
    expect(linksTarget(knowing(23))).toBe(Number.POSITIVE_INFINITY);
    expect(isBounded(knowing(23))).toBe(false);
    expect(linksTarget(knowing(24))).toBe(7);
    expect(linksTarget(knowing(49))).toBe(8);
    expect(linksTarget(knowing(99))).toBe(9);
    expect(isBounded(knowing(99))).toBe(true);
  });

  it('--links decides at any size; --links all is a full mesh; --no-mesh is never bounded', () => {
    expect(linksTarget(knowing(5, { links: 3 }))).toBe(3);
    expect(isBounded(knowing(99, { links: Number.POSITIVE_INFINITY }))).toBe(false);
    expect(isBounded(knowing(99, { mesh: false }))).toBe(false);
  });

  it('the command line: --links <n>, --links all, and none', () => {
    expect(checkOptions({ links: 5 })).toMatchObject({ links: 5 });
    expect(checkOptions({ links: 'all' })).toMatchObject({ links: Number.POSITIVE_INFINITY });
    expect(checkOptions({})).not.toHaveProperty('links');
    expect(checkOptions({ links: 'many' })).toMatch(/--links must be a whole number/);
  });
});
