import type { Identity } from '../../src/core/identity.js';
import type { JsonEvent, NodeProcess } from './node-process.js';
import { linkedIds, poll, startNode } from './node-process.js';
import type { RawClient } from './raw-client.js';
import { rawConnect } from './raw-client.js';

/** Rooms of real nodes for end-to-end tests, and raw clients that join them. */

export const messages = (node: NodeProcess): JsonEvent[] =>
  node.events.filter((e) => e.event === 'message');

export interface Trio {
  readonly alice: NodeProcess;
  readonly bob: NodeProcess;
  readonly carol: NodeProcess;
}

/**
 * alice, then bob and carol naming alice (carol by `carolVia` when given, e.g.
 * a proxy in front of alice), returned once each lists the other two as joined.
 */
export async function trio(
  args: readonly string[],
  options: {
    readonly aliceArgs?: readonly string[];
    readonly carolVia?: (alice: NodeProcess) => Promise<string>;
  } = {},
): Promise<Trio> {
  const alice = await startNode('alice', [], { args: [...args, ...(options.aliceArgs ?? [])] });
  const bob = await startNode('bob', [alice.address], { args });
  const carolPeer = options.carolVia === undefined ? alice.address : await options.carolVia(alice);
  const carol = await startNode('carol', [carolPeer], { args });
  const all = [alice, bob, carol];
  for (const node of all) {
    const others = all.filter((other) => other !== node);
    await poll(
      () => (others.every((other) => linkedIds(node).has(other.id)) ? true : undefined),
      `${node.name} linked with the other two`,
      20_000,
      () => node.stdout,
    );
  }
  return { alice, bob, carol };
}

/** A raw client linked with `node` as `name` (handshake done), answering its pings; kept in `clients`. */
export async function joinRaw(
  node: NodeProcess,
  name: string,
  clients: RawClient[],
  identity?: Identity,
): Promise<RawClient> {
  const client = await rawConnect(
    node.port,
    identity === undefined ? { answerPings: true } : { answerPings: true, identity },
  );
  clients.push(client);
  client.hello(name);
  await node.waitFor(
    (e) => e.event === 'join' && e.id === client.id,
    `${name} joined ${node.name}`,
  );
  return client;
}
