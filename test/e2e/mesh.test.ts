import { afterEach, describe, expect, it } from 'vitest';
import type { NodeProcess } from '../helpers/node-process.js';
import {
  fullMesh,
  joinedIds,
  killAll,
  lineOfThree,
  linkedIds,
  poll,
  startNode,
} from '../helpers/node-process.js';

afterEach(killAll);

const lastEventOf = (node: NodeProcess, id: string) =>
  node.events.filter((e) => e.id === id && (e.event === 'join' || e.event === 'leave')).at(-1);

describe('a mesh that forms itself', () => {
  it('eight nodes, each given only the first one, form a full mesh; a message from any reaches all seven', async () => {
    const first = await startNode('n0');
    const nodes = [first];
    for (let i = 1; i < 8; i++) nodes.push(await startNode(`n${i}`, [first.address]));
    await fullMesh(nodes);
    for (const node of nodes) expect(joinedIds(node).size).toBe(7);
    const speaker = nodes[5] as NodeProcess;
    speaker.send('hello mesh');
    for (const node of nodes) {
      if (node === speaker) continue;
      await node.waitFor((e) => e.event === 'message' && e.text === 'hello mesh', 'the message');
    }
    // Exactly one link per pair: nobody shows a member twice or a leave during formation.
    for (const node of nodes) {
      expect(node.events.filter((e) => e.event === 'join')).toHaveLength(7);
      expect(node.events.filter((e) => e.event === 'leave')).toHaveLength(0);
    }
  });

  it('SIGKILL shows lost everywhere; restarted with a different member it rejoins everyone', async () => {
    const a = await startNode('a');
    const b = await startNode('b', [a.address]);
    const c = await startNode('c', [a.address]);
    const d = await startNode('d', [a.address]);
    await fullMesh([a, b, c, d]);
    b.kill('SIGKILL');
    for (const node of [a, c, d])
      await node.waitFor(
        (e) => e.event === 'leave' && e.id === b.id && e.reason === 'lost',
        'b lost',
      );
    const b2 = await startNode('b', [d.address]);
    await fullMesh([a, b2, c, d]);
  });

  it('SIGSTOP shows lost everywhere; SIGCONT rejoins everyone without a restart', async () => {
    const args = ['--peer-timeout', '1000'];
    const a = await startNode('a', [], { args });
    const b = await startNode('b', [a.address], { args });
    const c = await startNode('c', [a.address], { args });
    await fullMesh([a, b, c]);
    c.kill('SIGSTOP');
    for (const node of [a, b])
      await node.waitFor(
        (e) => e.event === 'leave' && e.id === c.id && e.reason === 'lost',
        'c lost',
      );
    c.kill('SIGCONT');
    for (const node of [a, b]) {
      await poll(
        () => (lastEventOf(node, c.id)?.event === 'join' ? true : undefined),
        `${node.name} sees c again`,
        20_000,
        () => node.stdout,
      );
    }
    await poll(
      () => (linkedIds(c).has(a.id) && linkedIds(c).has(b.id) ? true : undefined),
      'c linked again',
      20_000,
      () => c.stdout,
    );
    c.send('back from the freeze');
    await a.waitFor((e) => e.event === 'message' && e.text === 'back from the freeze', 'c speaks');
  });

  it('two members named zed are never merged: two ids, two labels', async () => {
    const alice = await startNode('alice');
    const human = await startNode('watcher', [alice.address], { json: false, ready: false });
    const zed1 = await startNode('zed', [alice.address]);
    const zed2 = await startNode('zed', [alice.address]);
    await fullMesh([alice, zed1, zed2]);
    const zedJoins = alice.events.filter((e) => e.event === 'join' && e.user === 'zed');
    expect(new Set(zedJoins.map((e) => e.id))).toEqual(new Set([zed1.id, zed2.id]));
    await poll(
      () => (human.stdout.includes(`zed#${zed2.id.slice(0, 4)}`) ? true : undefined),
      'a tagged zed',
      15_000,
      () => human.stdout,
    );
    zed1.send('from one');
    zed2.send('from two');
    await poll(
      () =>
        human.stdout.includes(': from one') && human.stdout.includes(': from two')
          ? true
          : undefined,
      'both zeds speak',
      15_000,
      () => human.stdout,
    );
    const speakers = human.stdout
      .split('\n')
      .filter((line) => line.includes(': from '))
      .map((line) => line.split(' ')[1]);
    expect(new Set(speakers)).toEqual(
      new Set([`zed#${zed1.id.slice(0, 4)}:`, `zed#${zed2.id.slice(0, 4)}:`]),
    );
  });

  it('three --no-mesh nodes started as a line stay a line: A and C never link', async () => {
    const [a, b, c] = await lineOfThree(['a', 'b', 'c']);
    // Gossip has reached both ends once a knows c; the line must still hold after that.
    a.send('/peers');
    const peers = await a.waitFor((e) => e.event === 'peers', 'peers');
    c.send('/peers');
    await c.waitFor((e) => e.event === 'peers', 'peers');
    b.send('/quit');
    await a.waitFor((e) => e.event === 'leave' && e.id === b.id, 'b left');
    await c.waitFor((e) => e.event === 'leave' && e.id === b.id, 'b left');
    expect(joinedIds(a)).toEqual(new Set([b.id]));
    expect(joinedIds(c)).toEqual(new Set([b.id]));
    expect(peers.peers).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: b.id, state: 'linked' })]),
    );
  });

  it('/peers lists the members with address and link state', async () => {
    const a = await startNode('a');
    const b = await startNode('b', [a.address]);
    await a.waitFor((e) => e.event === 'join', 'b');
    a.send('/peers');
    const peers = await a.waitFor((e) => e.event === 'peers', 'peers');
    expect(peers.peers).toEqual([
      {
        user: 'b',
        id: b.id,
        address: b.address,
        state: 'linked',
        rtt: expect.toBeOneOf([null, expect.any(Number)]),
      },
    ]);
  });
});
