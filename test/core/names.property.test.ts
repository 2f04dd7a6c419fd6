import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/core/effect.js';
import type { NodeEvent } from '../../src/core/event.js';
import { initialState } from '../../src/core/state.js';
import { step } from '../../src/core/step.js';
import { validateFrame } from '../../src/protocol/validate-frame.js';
import { makeEventJson } from '../../src/render/event-json.js';
import { formatHuman } from '../../src/render/format-human.js';
import { nameOf } from '../../src/render/warning-text.js';
import { frameEvent, hello, joined, linkUp, proof, testConfig } from '../helpers/core-fixtures.js';

/**
 * Names that cannot be borrowed: a member named like bob, with look-alike
 * letters and invisible characters mixed in, is either refused (its name
 * holds something invisible) or shown with its `#abcd` tag beside bob —
 * never as a second, untagged "bob"; and nothing invisible or controlling
 * reaches the terminal or the `--json` line.
 */

const BOB = 'bb00000000000000';
const MIMIC = 'cd00000000000000';

/** Letters that pass for `b` and for `o`: Latin, Greek and Cyrillic capitals and look-alikes, digits. */
const LIKE_B = ['b', 'B', 'Β', 'В'];
const LIKE_O = ['o', 'O', '0', 'о', 'ο', 'О', 'Ο'];
/** What must never reach a screen: format (zero-width, bidi), controls, separators, fillers, tags. */
const INVISIBLE = [
  '\u200b',
  '\u200c',
  '\u200d',
  '\u2060',
  '\ufeff',
  '\u061c',
  '\u202e',
  '\u2066',
  '\u0007',
  '\u001b',
  '\u009b',
  '\u007f',
  '\u0085',
  '\u2028',
  '\u3164',
  '\u{e0062}',
  ' ',
];
const HIDDEN = /[\p{Cf}\p{Cc}\p{Z}\u3164\u115f\u1160\uffa0]/u;

const part = (letters: readonly string[]) =>
  fc.tuple(fc.constantFrom(...letters), fc.option(fc.constantFrom(...INVISIBLE), { nil: '' }));
const mimicName = fc
  .tuple(part(LIKE_B), part(LIKE_O), part(LIKE_B))
  .map((parts) => parts.flat().join(''));

/** Bob linked, then the mimic's hello on link 2 (and its proof): the effects of that hello. */
function mimicJoins(name: string): { refused: boolean; effects: Effect[] } {
  const checked = validateFrame(JSON.parse(JSON.stringify(hello(MIMIC, name, 9200))));
  if (!checked.ok || checked.frame.type !== 'hello') return { refused: true, effects: [] };
  let state = initialState(testConfig());
  for (const event of joined(1, BOB, 'bob')) state = step(state, event).state;
  const effects: Effect[] = [];
  const events: NodeEvent[] = [
    linkUp(2),
    frameEvent(2, checked.frame),
    frameEvent(2, proof(2, checked.frame)),
  ];
  for (const event of events) {
    const result = step(state, event);
    state = result.state;
    effects.push(...result.effects);
  }
  return { refused: false, effects };
}

describe('names from the network (property, 1,000 look-alikes of bob)', () => {
  it('are refused when they hold anything invisible, else shown tagged; nothing raw reaches a screen', () => {
    const eventJson = makeEventJson();
    fc.assert(
      fc.property(mimicName, (name) => {
        const { refused, effects } = mimicJoins(name);
        if (HIDDEN.test(name)) {
          expect(refused, JSON.stringify(name)).toBe(true);
          return;
        }
        expect(refused, JSON.stringify(name)).toBe(false);
        const join = effects.find((e) => e.kind === 'emit' && e.event.event === 'join');
        if (join?.kind !== 'emit') throw new Error(`no join for ${JSON.stringify(name)}`);
        expect(join.who?.tagged, name).toBe(true);
        const label = join.who === undefined ? name : nameOf(join.who);
        const line = formatHuman(join.event, label, 0);
        expect(line).toContain(`${name}#${MIMIC.slice(0, 4)}`);
        expect(line).not.toMatch(/[\p{Cf}\p{Cc}]/u);
        expect(eventJson(join.event)).not.toMatch(/\p{Cc}/u);
      }),
      { numRuns: 1000 },
    );
  });
});
