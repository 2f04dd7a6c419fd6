import { afterEach, describe, expect, it } from 'vitest';
import { poll } from '../helpers/node-process.js';
import type { Original } from '../helpers/seed-original.js';
import { startOriginal } from '../helpers/seed-original.js';

/**
 * The test fixture that plays the original Python exercise (SEED.md's
 * facts), checked against itself on 127.0.0.1: what later tests of rxchat
 * with originals stand on.
 */

const heardFrom = (node: Original, name: string) =>
  node.heard.flatMap((text) => {
    const match = /^\[[^\]]+\] ([^:]+):\n\t([\s\S]*)$/.exec(text);
    return match?.[1] === name ? [match[2] ?? ''] : [];
  });

const waitHeard = (node: Original, name: string, text: string) =>
  poll(
    () => (heardFrom(node, name).includes(text) ? true : undefined),
    `${node.name} to hear "${text}" from ${name}`,
    10_000,
    () => node.heard.join('\n---\n'),
  );

const started: Original[] = [];
const original = async (name: string) => {
  const node = await startOriginal(name);
  started.push(node);
  return node;
};
afterEach(() => {
  for (const node of started.splice(0)) node.stop();
});

describe('two originals, as the exercise runs them', () => {
  it('the dialer says it connected, lines go both ways, and the one leaving says so and closes', async () => {
    const andrea = await original('Andrea');
    const giovanni = await original('Giovanni');
    await giovanni.dialTo('127.0.0.1', andrea.port);
    await waitHeard(andrea, 'Giovanni', 'has connected from 0.0.0.0:0!');
    // The accepting end says nothing on connecting.
    expect(giovanni.heard).toEqual([]);
    andrea.say('ciao');
    giovanni.say('hello, world');
    await waitHeard(giovanni, 'Andrea', 'ciao');
    await waitHeard(andrea, 'Giovanni', 'hello, world');
    expect(andrea.heard[0]).toMatch(
      /^\[\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\] Giovanni:\n\t/,
    );
    await giovanni.quit();
    await waitHeard(andrea, 'Giovanni', 'is disconnecting!');
    await poll(
      () => (andrea.connections.size === 0 ? true : undefined),
      'the connection closed',
      10_000,
      () => `${andrea.connections.size} open`,
    );
    await andrea.quit();
  });
});
