import { afterEach, describe, expect, it } from 'vitest';
import { proxyPool } from '../helpers/fault-proxy.js';
import type { NodeProcess } from '../helpers/node-process.js';
import { joinedIds, killAll, startNode } from '../helpers/node-process.js';
import type { TlsRelay } from '../helpers/tls-relay.js';
import { startTlsRelay } from '../helpers/tls-relay.js';

const proxies = proxyPool();
const relays: TlsRelay[] = [];
afterEach(async () => {
  killAll();
  await proxies.closeAll();
  await Promise.all(relays.splice(0).map((relay) => relay.close()));
});

const SECRET = 'correct horse battery staple';
const closed = { env: { RXCHAT_SECRET: SECRET } };

/** The badProof refusal of docs/PROTOCOL.md, of the peer called `name`, at `remote` if given. */
const badProof = (name: string, remote = '127\\.0\\.0\\.1:\\d+'): RegExp =>
  new RegExp(
    `refused ${name} \\(${remote}\\): its handshake proof does not verify \\(a replayed or forged handshake\\)`,
  );

const escaped = (address: string): string => address.replace(/\./g, '\\.');

function expectNoJoin(...nodes: NodeProcess[]): void {
  for (const node of nodes)
    expect(joinedIds(node), `${node.name} joined nobody`).toEqual(new Set());
}

describe('the handshake proof covers the hellos', () => {
  it('a hello whose name a proxy rewrote on its way is refused; through a proxy that changes nothing they link', async () => {
    const bob = await startNode('bob');
    const tampering = await proxies.proxyTo(bob);
    tampering.rewrite('upstream', (line) =>
      line.includes('"type":"hello"') ? line.replace('"name":"alice"', '"name":"mallory"') : line,
    );
    const alice = await startNode('alice', [tampering.address]);
    // Bob read the hello as mallory's: her announcement's signature covers her name (and her
    // proof both hellos as she sent them), so bob refuses it.
    await bob.waitForStderr(
      /refused mallory \(127\.0\.0\.1:\d+\): its hello is not signed by its key \(altered, or forged\)/,
    );
    await alice.waitFor((e) => e.event === 'ready', 'ready');
    expectNoJoin(alice, bob);

    const honest = await proxies.proxyTo(bob);
    const carol = await startNode('carol', [honest.address]);
    await bob.waitFor((e) => e.event === 'join' && e.id === carol.id, 'carol through the proxy');
    await carol.waitFor((e) => e.event === 'join' && e.id === bob.id, 'bob through the proxy');
    expect(bob.stderr).not.toMatch(badProof('carol'));
  });
});

describe('in a closed room the handshake proof covers the TLS session', () => {
  it('a member holding the secret that relays a handshake between two TLS sessions is refused at both ends; the same two link directly', async () => {
    const bob = await startNode('bob', [], closed);
    const relay = await startTlsRelay(SECRET, bob.port);
    relays.push(relay);
    // Alice dials the relay (which passes her lines to bob over its own session) and bob himself.
    const alice = await startNode('alice', [relay.address, bob.address], closed);
    await alice.waitForStderr(badProof('bob', escaped(relay.address)));
    await bob.waitForStderr(badProof('alice'));
    expect(relay.relayed).toBeGreaterThanOrEqual(1);
    // The direct link, one TLS session end to end, is up.
    await alice.waitFor((e) => e.event === 'join' && e.id === bob.id, 'bob, directly');
    await bob.waitFor((e) => e.event === 'join' && e.id === alice.id, 'alice, directly');
    expect(alice.stderr.match(/handshake proof does not verify/g)).toHaveLength(1);
  });

  it('through the relay alone the two never link', async () => {
    const bob = await startNode('bob', [], closed);
    const relay = await startTlsRelay(SECRET, bob.port);
    relays.push(relay);
    const alice = await startNode('alice', [relay.address], closed);
    await alice.waitForStderr(badProof('bob', escaped(relay.address)));
    await bob.waitForStderr(badProof('alice'));
    expect(relay.relayed).toBe(1);
    expectNoJoin(alice, bob);
  });
});
