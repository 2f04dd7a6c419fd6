import { afterEach, describe, expect, it } from 'vitest';
import type { NodeProcess } from '../helpers/node-process.js';
import { killAll, said, startNode } from '../helpers/node-process.js';

afterEach(killAll);

const joinedBy = (node: NodeProcess, other: NodeProcess) => (e: { event: string; id?: unknown }) =>
  e.event === 'join' && e.id === other.id && node.id !== '';
const leftAs =
  (other: NodeProcess, reason: string) => (e: { event: string; id?: unknown; reason?: unknown }) =>
    e.event === 'leave' && e.id === other.id && e.reason === reason;

async function threeNodes(): Promise<[NodeProcess, NodeProcess, NodeProcess]> {
  const alice = await startNode('alice');
  const bob = await startNode('bob', [alice.address]);
  const carol = await startNode('carol', [alice.address, bob.address]);
  for (const [node, others] of [
    [alice, [bob, carol]],
    [bob, [alice, carol]],
    [carol, [alice, bob]],
  ] as const) {
    for (const other of others) await node.waitFor(joinedBy(node, other), `join of ${other.name}`);
  }
  return [alice, bob, carol];
}

describe('three processes chat as in the original', () => {
  it('delivers every message to both others, and no node shows its own lines', async () => {
    const [alice, bob, carol] = await threeNodes();
    alice.send('hello from alice');
    bob.send('hello from bob');
    carol.send('hello from carol');
    for (const [node, expected] of [
      [alice, ['bob: hello from bob', 'carol: hello from carol']],
      [bob, ['alice: hello from alice', 'carol: hello from carol']],
      [carol, ['alice: hello from alice', 'bob: hello from bob']],
    ] as const) {
      for (const line of expected) {
        await node.waitFor(
          (e) => e.event === 'message' && `${String(e.from)}: ${String(e.text)}` === line,
          line,
        );
      }
      expect(said(node).sort()).toEqual([...expected].sort());
    }
  });

  it('/quit shows the node left (quit) at the others, who chat on, and it can re-enter', async () => {
    const [alice, bob, carol] = await threeNodes();
    bob.send('/quit');
    expect(await bob.exited()).toBe(0);
    await alice.waitFor(leftAs(bob, 'quit'), 'bob left (quit)');
    await carol.waitFor(leftAs(bob, 'quit'), 'bob left (quit)');
    alice.send('still here');
    await carol.waitFor(
      (e) => e.event === 'message' && e.text === 'still here',
      'alice after bob left',
    );

    const bob2 = await startNode('bob', [alice.address, carol.address]);
    await alice.waitFor(joinedBy(alice, bob2), 'bob again');
    await carol.waitFor(joinedBy(carol, bob2), 'bob again');
    bob2.send('back');
    await alice.waitFor((e) => e.event === 'message' && e.text === 'back', 'bob is back');
    await carol.waitFor((e) => e.event === 'message' && e.text === 'back', 'bob is back');
  });

  it('SIGKILL shows the node left (lost) at the others', async () => {
    const [alice, bob, carol] = await threeNodes();
    carol.kill('SIGKILL');
    await alice.waitFor(leftAs(carol, 'lost'), 'carol lost');
    await bob.waitFor(leftAs(carol, 'lost'), 'carol lost');
    alice.send('after carol');
    await bob.waitFor((e) => e.event === 'message' && e.text === 'after carol', 'chat goes on');
  });

  it('the end of stdin says goodbye and exits 0', async () => {
    const [alice, bob] = await threeNodes();
    bob.send('last words');
    bob.end();
    expect(await bob.exited()).toBe(0);
    await alice.waitFor((e) => e.event === 'message' && e.text === 'last words', 'last words');
    await alice.waitFor(leftAs(bob, 'quit'), 'bob left (quit)');
  });

  it('SIGTERM and SIGINT leave gracefully with exit 0', async () => {
    const [alice, bob, carol] = await threeNodes();
    bob.kill('SIGTERM');
    carol.kill('SIGINT');
    expect(await bob.exited()).toBe(0);
    expect(await carol.exited()).toBe(0);
    await alice.waitFor(leftAs(bob, 'quit'), 'bob left (quit)');
    await alice.waitFor(leftAs(carol, 'quit'), 'carol left (quit)');
  });

  it('a second Ctrl+C while leaving exits at once with 130', async () => {
    const alice = await startNode('alice');
    const bob = await startNode('bob', [alice.address], { args: ['--linger', '60000'] });
    await bob.waitFor(joinedBy(bob, alice), 'join of alice');
    // Alice cannot confirm bob's line, so bob's leave would linger for a minute.
    alice.kill('SIGSTOP');
    bob.send('are you there?');
    // Two signals sent at once may arrive as one: Ctrl+C again until bob exits (at most 20 times).
    let code: number | null | undefined;
    for (let press = 0; press < 20 && code === undefined; press++) {
      bob.kill('SIGINT');
      code = await bob.exited(500).catch(() => undefined);
    }
    expect(code).toBe(130);
    alice.kill('SIGCONT');
  });
});
