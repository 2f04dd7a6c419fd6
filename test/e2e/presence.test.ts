import { afterEach, describe, expect, it } from 'vitest';
import type { NodeProcess, PeerRow } from '../helpers/node-process.js';
import {
  askPeersUntil,
  fullMesh,
  killAll,
  PRESENT_STATES,
  startNode,
} from '../helpers/node-process.js';

afterEach(killAll);

/**
 * Present means present: in a mesh of seven, an eighth member runs
 * `--no-mesh` linked with one of them only. The others know it only from
 * gossip; when it leaves, none of them may go on listing it as present.
 */

const PEER_TIMEOUT_MS = 1000;
const args = ['--peer-timeout', String(PEER_TIMEOUT_MS)];

const presentHas = (id: string) => (peers: readonly PeerRow[]) =>
  peers.some((peer) => peer.id === id && PRESENT_STATES.has(peer.state));
const presentLacks = (id: string) => (peers: readonly PeerRow[]) => !presentHas(id)(peers);

async function meshOfSeven(): Promise<NodeProcess[]> {
  const first = await startNode('m0', [], { args });
  const nodes = [first];
  for (let i = 1; i < 7; i++) nodes.push(await startNode(`m${i}`, [first.address], { args }));
  await fullMesh(nodes);
  return nodes;
}

/** A `--no-mesh` member linked with `host` only, once every member lists it as present. */
async function loner(name: string, host: NodeProcess, mesh: readonly NodeProcess[]) {
  const node = await startNode(name, [host.address], { args: [...args, '--no-mesh'] });
  for (const member of mesh)
    await askPeersUntil(member, presentHas(node.id), `${name} listed as present`, 20_000);
  return node;
}

/** Resolves once no member of `mesh` lists `id` as present, within `boundMs` of now. */
async function goneEverywhere(mesh: readonly NodeProcess[], id: string, boundMs: number) {
  const started = Date.now();
  await Promise.all(
    mesh.map((member) =>
      askPeersUntil(member, presentLacks(id), 'the member no longer present', boundMs),
    ),
  );
  return Date.now() - started;
}

describe('who is present, with a --no-mesh member linked with one node of the mesh', () => {
  it('quits: within 3 s no node lists it as present; killed: within 3 × --peer-timeout', async () => {
    const mesh = await meshOfSeven();
    const quitter = await loner('quitter', mesh[3] as NodeProcess, mesh);
    quitter.send('/quit');
    await goneEverywhere(mesh, quitter.id, 3000);
    expect(await quitter.exited()).toBe(0);
    // The member it was linked with said so: everyone lists it as quit, apart.
    for (const member of mesh) {
      const peers = await askPeersUntil(member, presentLacks(quitter.id), 'the quit', 1000);
      expect(peers.find((peer) => peer.id === quitter.id)?.state, member.name).toBe('quit');
    }

    const crasher = await loner('crasher', mesh[5] as NodeProcess, mesh);
    crasher.kill('SIGKILL');
    await goneEverywhere(mesh, crasher.id, 3 * PEER_TIMEOUT_MS);
    // Listed apart as having left, not dropped at once.
    for (const member of mesh) {
      const peers = await askPeersUntil(member, presentLacks(crasher.id), 'the crash', 1000);
      expect(peers.find((peer) => peer.id === crasher.id)?.state, member.name).toBe('lost');
    }
  });
});
