import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeProcess } from '../helpers/node-process.js';
import { killAll, runToExit, startNode } from '../helpers/node-process.js';

afterEach(killAll);

const joinedBy = (other: NodeProcess) => (e: { event: string; id?: unknown }) =>
  e.event === 'join' && e.id === other.id;

/** Alice (with `aliceArgs`), bob and carol, all linked with each other. */
async function threeLinked(
  aliceArgs: readonly string[],
): Promise<[NodeProcess, NodeProcess, NodeProcess]> {
  const bob = await startNode('bob');
  const carol = await startNode('carol', [bob.address]);
  const alice = await startNode('alice', [bob.address, carol.address], { args: aliceArgs });
  for (const [node, others] of [
    [alice, [bob, carol]],
    [bob, [alice, carol]],
    [carol, [alice, bob]],
  ] as const) {
    for (const other of others) await node.waitFor(joinedBy(other), `${other.name} joined`);
  }
  return [alice, bob, carol];
}

describe('exit codes a script can trust', () => {
  it('a member lost before a line was sent does not owe it: exit 0, without the linger', async () => {
    // A 60 s linger: exiting within the 15 s bound means it was not waited out.
    const [alice, bob, carol] = await threeLinked(['--linger', '60000']);
    carol.kill('SIGKILL');
    await alice.waitFor((e) => e.event === 'leave' && e.id === carol.id, 'carol lost');
    alice.send('after carol', '/quit');
    expect(await alice.exited(15_000)).toBe(0);
    await bob.waitFor((e) => e.event === 'message' && e.text === 'after carol', 'the line');
    expect(alice.stderr).not.toMatch(/not confirmed/);
  });

  it('a member present when the line was sent that does not confirm it: exit 3 naming it', async () => {
    const [alice, bob, carol] = await threeLinked(['--linger', '1000']);
    bob.kill('SIGSTOP');
    alice.send('are you there', '/quit');
    expect(await alice.exited(15_000)).toBe(3);
    expect(alice.stderr).toMatch(/rxchat: not confirmed within 1000 ms by: bob; /);
    await carol.waitFor((e) => e.event === 'message' && e.text === 'are you there', 'the line');
    bob.kill('SIGCONT');
  });

  it('nothing listening at the only named peer: exit 3, nobody heard', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await runToExit(
      ['0', 'dave', `127.0.0.1:${port}`, '--host', '127.0.0.1'],
      'one\n',
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /rxchat: nobody heard this node: no member was linked when its 1 line\(s\) were sent/,
    );
  });
});
