import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/core/effect.js';
import type { NodeEvent } from '../../src/core/event.js';
import { helloFrame } from '../../src/core/handshake.js';
import { helloSeen, helloText, proofText } from '../../src/core/signing.js';
import type { NodeState } from '../../src/core/state.js';
import { initialState } from '../../src/core/state.js';
import { step } from '../../src/core/step.js';
import { freshIdentity } from '../../src/io/identity.js';
import type { Frame, HelloFrame } from '../../src/protocol/frames.js';
import { validateFrame } from '../../src/protocol/validate-frame.js';
import {
  fakeIdentity,
  fold,
  frameEvent,
  hello,
  LOWER,
  linkUp,
  proof,
  SELF,
  testConfig,
} from '../helpers/core-fixtures.js';

const bob = hello(LOWER, 'bob', 9100, { advertise: 'bob.example:9100' });

/** What one link's handshake came to: joined, or the warnings it was refused with. */
function outcome(events: readonly NodeEvent[]): { joined: boolean; warnings: string[] } {
  const { effects } = fold(events);
  return {
    joined: effects.some((e) => e.kind === 'emit' && e.event.event === 'join'),
    warnings: effects.flatMap((e) => (e.kind === 'warn' ? [e.warning.code] : [])),
  };
}

const refused = { joined: false, warnings: ['badProof'] };
const linked = { joined: true, warnings: [] };

describe('the handshake proof binds both hellos and the link’s session', () => {
  it('a proof over the hellos as they were sent links', () => {
    expect(outcome([linkUp(1), frameEvent(1, bob), frameEvent(1, proof(1, bob))])).toEqual(linked);
  });

  const changes: [string, Partial<HelloFrame>][] = [
    ['name', { name: 'mallory' }],
    ['port', { port: 9999 }],
    ['mesh', { mesh: false }],
    ['advertise', { advertise: 'evil.example:1' }],
    ['inc', { inc: '2' }],
  ];
  for (const [field, change] of changes) {
    it(`a proof made over the peer's hello with another ${field} is refused`, () => {
      // The peer signed its hello as it sent it; this node read another one.
      const sent = { ...bob, ...change };
      expect(outcome([linkUp(1), frameEvent(1, bob), frameEvent(1, proof(1, sent))])).toEqual(
        refused,
      );
    });
  }

  it("a proof made over another hello of this node's (changed on its way to the peer) is refused", () => {
    const theirView = testConfig({ name: 'someone-else' });
    const events = [
      linkUp(1),
      frameEvent(1, bob),
      frameEvent(1, proof(1, bob, { config: theirView })),
    ];
    expect(outcome(events)).toEqual(refused);
  });

  it('a proof with another binding, or none, is refused on a bound link; the same binding links', () => {
    const up = linkUp(1, 0, { binding: 'ab'.repeat(32) });
    const withBinding = (binding?: string) =>
      outcome([
        up,
        frameEvent(1, bob),
        frameEvent(1, proof(1, bob, binding === undefined ? {} : { binding })),
      ]);
    expect(withBinding('ab'.repeat(32))).toEqual(linked);
    expect(withBinding('cd'.repeat(32))).toEqual(refused);
    expect(withBinding()).toEqual(refused);
    // A bound proof on a link without a binding (an open room) is refused too.
    const open = [
      linkUp(1),
      frameEvent(1, bob),
      frameEvent(1, proof(1, bob, { binding: 'ab'.repeat(32) })),
    ];
    expect(outcome(open)).toEqual(refused);
  });

  it("the proof this node sends signs the peer's nonce, both hellos and the link's binding", () => {
    const binding = 'ef'.repeat(32);
    const { effects } = fold([linkUp(1, 0, { binding }), frameEvent(1, bob)]);
    const sent = effects.flatMap((e) =>
      e.kind === 'send' && e.frame.type === 'proof' ? [e.frame] : [],
    );
    expect(sent).toHaveLength(1);
    const self = fakeIdentity(SELF);
    const own = helloSeen(self, helloFrame(testConfig(), 'nonce-1'));
    const verify = (text: string) => self.verify(self.key, text, sent[0]?.sig ?? '');
    expect(verify(proofText(own, helloSeen(self, bob), binding))).toBe(true);
    expect(verify(proofText(own, helloSeen(self, bob)))).toBe(false);
    expect(verify(proofText(own, helloSeen(self, { ...bob, name: 'bobby' }), binding))).toBe(false);
  });

  it('the hello text is of the validated fields: unknown fields and key order do not count', () => {
    const reordered = Object.fromEntries(Object.entries({ ...bob, extra: 1 }).reverse());
    const validated = validateFrame(JSON.parse(JSON.stringify(reordered)));
    expect(validated.ok && validated.frame.type === 'hello' && helloText(validated.frame)).toBe(
      helloText(bob),
    );
    expect(helloText(hello(LOWER, 'bob'))).toMatch(/\nnull$/);
  });
});

/** Two cores with real keys on one bound link, their frames passed by hand. */
describe('two cores link over a bound link, whichever hello arrives first', () => {
  const binding = '0f'.repeat(32);
  for (const first of ['dialer', 'acceptor'] as const) {
    it(`the ${first}'s hello read first`, () => {
      const states: NodeState[] = [
        initialState(testConfig({ identity: freshIdentity(), name: 'a' })),
        initialState(testConfig({ identity: freshIdentity(), name: 'b', port: 9001 })),
      ];
      const inboxes: Frame[][] = [[], []];
      const effects: Effect[] = [];
      const apply = (index: number, event: NodeEvent): void => {
        const result = step(states[index] as NodeState, event);
        states[index] = result.state;
        effects.push(...result.effects);
        for (const effect of result.effects)
          if (effect.kind === 'send') inboxes[1 - index]?.push(effect.frame);
      };
      apply(0, linkUp(1, 0, { direction: 'out', binding }));
      apply(1, linkUp(1, 0, { direction: 'in', binding }));
      // The acceptor (1) reads the dialer's frames first, or the other way round.
      const order = first === 'dialer' ? [1, 0] : [0, 1];
      while (inboxes.some((inbox) => inbox.length > 0))
        for (const index of order)
          for (const frame of inboxes[index]?.splice(0) ?? []) apply(index, frameEvent(1, frame));
      const joins = effects.filter((e) => e.kind === 'emit' && e.event.event === 'join');
      expect(joins).toHaveLength(2);
      expect(effects.filter((e) => e.kind === 'warn')).toEqual([]);
    });
  }
});
