import { afterEach, describe, expect, it } from 'vitest';
import type { NodeProcess } from '../helpers/node-process.js';
import { killAll, lineOfThree, runToExit, startNode } from '../helpers/node-process.js';

afterEach(killAll);

const messages = (node: NodeProcess) => node.events.filter((e) => e.event === 'message');

describe('chat commands', () => {
  it('/msg reaches only its addressee, also through another member when there is no direct link', async () => {
    const [alice, carol, bob] = await lineOfThree(['alice', 'carol', 'bob']);
    // alice knows bob only from carol's gossip: no direct link.
    alice.send('/msg bob psst', 'everyone hears this');
    const direct = await bob.waitFor(
      (e) => e.event === 'message' && e.text === 'psst',
      'the direct message',
    );
    expect(direct).toMatchObject({ from: 'alice', origin: alice.id, to: bob.id, action: false });
    await bob.waitFor(
      (e) => e.event === 'message' && e.text === 'everyone hears this',
      'the group message',
    );
    await carol.waitFor(
      (e) => e.event === 'message' && e.text === 'everyone hears this',
      'the group message at carol',
    );
    expect(messages(carol).map((e) => e.text)).toEqual(['everyone hears this']);
    expect(messages(bob).map((e) => e.text)).toEqual(['psst', 'everyone hears this']);
    expect(alice.events.some((e) => e.event === 'join' && e.id === bob.id)).toBe(false);
  });

  it('/msg to a shared name asks which one; name#abcd picks it', async () => {
    const alice = await startNode('alice');
    const zed1 = await startNode('zed', [alice.address]);
    const zed2 = await startNode('zed', [alice.address]);
    await alice.waitFor((e) => e.event === 'join' && e.id === zed2.id, 'second zed');
    await alice.waitFor((e) => e.event === 'join' && e.id === zed1.id, 'first zed');
    alice.send('/msg zed hello?');
    const warning = await alice.waitForStderr(/zed is ambiguous: [^\n]*/);
    expect(warning).toContain(`zed#${zed1.id.slice(0, 4)}`);
    expect(warning).toContain(`zed#${zed2.id.slice(0, 4)}`);
    alice.send(`/msg zed#${zed2.id.slice(0, 4)} just you`);
    await zed2.waitFor((e) => e.event === 'message' && e.text === 'just you', 'the chosen zed');
    alice.send('sync');
    await zed1.waitFor((e) => e.event === 'message' && e.text === 'sync', 'sync');
    expect(messages(zed1).map((e) => e.text)).toEqual(['sync']);
  });

  it('/me is an action; unknown commands hint and send nothing; //text sends /text', async () => {
    const alice = await startNode('alice');
    const bob = await startNode('bob', [alice.address]);
    await alice.waitFor((e) => e.event === 'join', 'bob');
    bob.send('/me waves', '/dance', '//slash', 'done');
    await alice.waitFor((e) => e.event === 'message' && e.text === 'done', 'done');
    expect(messages(alice).map((e) => [e.text, e.action])).toEqual([
      ['waves', true],
      ['/slash', false],
      ['done', false],
    ]);
    await bob.waitForStderr(/unknown command \/dance; \/help lists the commands/);
  });

  it('commands piped in before the first dial finished wait for it: /msg and /peers with no sleep', async () => {
    const alice = await startNode('alice');
    const result = await runToExit(
      ['0', 'dmer', alice.address, '--host', '127.0.0.1', '--json'],
      '/msg alice hi\n/peers\n',
    );
    expect(result.code).toBe(0);
    const events = result.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { event: string; peers?: { user: string }[] });
    const peers = events.find((e) => e.event === 'peers');
    expect(peers?.peers?.map((p) => p.user)).toContain('alice');
    await alice.waitFor(
      (e) => e.event === 'message' && e.text === 'hi' && e.to !== undefined,
      'the direct message',
    );
    expect(result.stderr).not.toMatch(/no member named/);
  });
});
