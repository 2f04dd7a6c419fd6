import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { identityFromPem, newPrivateKeyPem } from '../../src/io/identity.js';
import type { NodeProcess } from '../helpers/node-process.js';
import { killAll, linkedIds, poll, startNode } from '../helpers/node-process.js';

/**
 * A member that quits and comes back with --identity (same id, new
 * incarnation) is heard by every member again, whichever of two ids is the
 * smaller: the one that should dial does, and the others forward to it.
 */

afterEach(killAll);

/** Three identity files, sorted by the ids they give. */
function identities(): { file: string; id: string }[] {
  const dir = mkdtempSync(join(tmpdir(), 'rxchat-back-'));
  return Array.from({ length: 3 }, (_, i) => {
    const pem = newPrivateKeyPem();
    const file = join(dir, `${i}.key`);
    writeFileSync(file, pem, { mode: 0o600 });
    return { file, id: identityFromPem(pem).id };
  }).sort((a, b) => (a.id < b.id ? -1 : 1));
}

async function linkedWithAll(nodes: readonly NodeProcess[]): Promise<void> {
  for (const node of nodes) {
    const others = nodes.filter((other) => other !== node).map((other) => other.id);
    await poll(
      () => (others.every((id) => linkedIds(node).has(id)) ? true : undefined),
      `${node.name} linked with the others`,
      15_000,
      () => node.stdout,
    );
  }
}

const shows = (node: NodeProcess, text: string) =>
  node.waitFor((e) => e.event === 'message' && e.text === text, `${node.name} shows "${text}"`);

describe('a member that quits and comes back with --identity', () => {
  for (const zedIs of ['the largest', 'the smallest'] as const) {
    it(`is heard by every member again when its id is ${zedIs}`, async () => {
      const [low, mid, high] = identities();
      if (low === undefined || mid === undefined || high === undefined) throw new Error('ids');
      const [zedKey, aliceKey, bobKey] =
        zedIs === 'the largest' ? [high, low, mid] : [low, mid, high];
      const alice = await startNode('alice', [], { args: ['--identity', aliceKey.file] });
      const bob = await startNode('bob', [alice.address], { args: ['--identity', bobKey.file] });
      const zed = await startNode('zed', [alice.address], { args: ['--identity', zedKey.file] });
      await linkedWithAll([alice, bob, zed]);
      zed.send('/quit');
      for (const node of [alice, bob])
        await node.waitFor(
          (e) => e.event === 'leave' && e.id === zed.id && e.reason === 'quit',
          'zed quit',
        );

      // Back, naming alice only: bob learns of it from alice's gossip.
      const back = await startNode('zed', [alice.address], { args: ['--identity', zedKey.file] });
      expect(back.id).toBe(zed.id);
      await linkedWithAll([alice, bob, back]);
      back.send('zed is back');
      alice.send('welcome back');
      bob.send('hi again');
      await shows(alice, 'zed is back');
      await shows(bob, 'zed is back');
      await shows(back, 'welcome back');
      await shows(back, 'hi again');
    });
  }
});
