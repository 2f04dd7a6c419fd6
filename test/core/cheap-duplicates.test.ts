import { describe, expect, it } from 'vitest';
import type { NodeEvent } from '../../src/core/event.js';
import type { Identity } from '../../src/core/identity.js';
import {
  chatFrom,
  fakeIdentity,
  fold,
  frameEvent,
  joined,
  SELF,
  testConfig,
} from '../helpers/core-fixtures.js';

const BOB = 'bb00000000000000';

/** This node's key, counting every signature it checks. */
function countingIdentity(): { identity: Identity; checks: () => number } {
  const inner = fakeIdentity(SELF);
  let count = 0;
  const identity: Identity = {
    ...inner,
    verify: (key, text, sig) => {
      count += 1;
      return inner.verify(key, text, sig);
    },
  };
  return { identity, checks: () => count };
}

function checksAfter(events: readonly NodeEvent[]): number {
  const { identity, checks } = countingIdentity();
  const before = checks();
  fold(events, testConfig({ identity }));
  return checks() - before;
}

describe('a duplicate costs no signature check', () => {
  const linked = joined(1, BOB, 'bob');
  // The handshake's proof is one check of its own.
  const handshake = checksAfter(linked);

  it('a frame already delivered, sent again by any path, is dropped unchecked', () => {
    const frame = chatFrom(BOB, 'bob', ['b1', 'b2']);
    const once = checksAfter([...linked, frameEvent(1, frame)]);
    expect(once - handshake).toBe(1);
    const thrice = checksAfter([
      ...linked,
      frameEvent(1, frame),
      frameEvent(1, frame),
      frameEvent(1, { ...frame, replay: true }),
    ]);
    expect(thrice).toBe(once);
  });

  it('a frame whose messages are all held is dropped unchecked; one with a new message is checked', () => {
    const later = chatFrom(BOB, 'bob', ['b3', 'b4'], { seq: 3 });
    const held = checksAfter([...linked, frameEvent(1, later)]);
    expect(checksAfter([...linked, frameEvent(1, later), frameEvent(1, later)])).toBe(held);
    const overlapping = chatFrom(BOB, 'bob', ['b2', 'b3'], { seq: 2 });
    expect(checksAfter([...linked, frameEvent(1, later), frameEvent(1, overlapping)])).toBe(
      held + 1,
    );
  });
});
