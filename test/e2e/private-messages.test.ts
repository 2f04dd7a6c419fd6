import { afterEach, describe, expect, it } from 'vitest';
import { directHeaderText, directKeyInfo, signDirect } from '../../src/core/signing.js';
import { freshDirectBox } from '../../src/io/direct-box.js';
import { freshIdentity } from '../../src/io/identity.js';
import type { DirectFrame } from '../../src/protocol/frames.js';
import type { FaultProxy } from '../helpers/fault-proxy.js';
import { startProxy } from '../helpers/fault-proxy.js';
import type { PeerRow } from '../helpers/node-process.js';
import { askPeersUntil, killAll, startNode } from '../helpers/node-process.js';
import type { RawClient } from '../helpers/raw-client.js';
import { rawConnect } from '../helpers/raw-client.js';

const proxies: FaultProxy[] = [];
const clients: RawClient[] = [];
afterEach(async () => {
  killAll();
  for (const client of clients.splice(0)) client.socket.destroy();
  for (const proxy of proxies.splice(0)) await proxy.close();
});

const SECRET = 'the eagle lands at noon';

/** The announcement in a hello, as a members entry passes it on: with the address it was met at. */
function entryOf(hello: Record<string, unknown>, port: number): Record<string, unknown> {
  const { type: _type, v: _v, nonce: _nonce, ...announcement } = hello;
  return { ...announcement, address: `127.0.0.1:${port}` };
}

const helloIn = (client: RawClient): Record<string, unknown> => {
  const hello = client.frames().find((f) => f.type === 'hello');
  if (hello === undefined) throw new Error('no hello');
  return hello;
};

/** Forwards every `dm` line one raw client reads to the other, as a relay passes them on. */
function relayDirect(from: RawClient, to: RawClient): void {
  let next = 0;
  from.socket.on('data', () => {
    for (; next < from.lines.length; next++) {
      const line = from.lines[next] ?? '';
      if (line.includes('"type":"dm"')) to.write(`${line}\n`);
    }
  });
}

/** Every line as read, and each `dm` box decoded from base64: neither may hold the plaintext. */
function readable(lines: readonly string[]): string {
  const boxes = lines.flatMap((line) => {
    const frame = JSON.parse(line) as { type?: string; box?: string };
    return frame.type === 'dm' ? [Buffer.from(frame.box ?? '', 'base64').toString('latin1')] : [];
  });
  expect(boxes.length).toBeGreaterThan(0);
  return [...lines, ...boxes].join('\n');
}

const knows = (id: string) => (peers: readonly PeerRow[]) => peers.some((peer) => peer.id === id);

describe('direct messages are sealed end to end', () => {
  it('through a relaying raw client: it reads no plaintext, its replays and forgeries are dropped, alice sees the receipt', async () => {
    const alice = await startNode('alice', [], { args: ['--no-mesh'] });
    const bob = await startNode('bob', [], { args: ['--no-mesh'] });
    const relay = freshIdentity();
    const toAlice = await rawConnect(alice.port, { answerPings: true, identity: relay });
    const toBob = await rawConnect(bob.port, { answerPings: true, identity: relay });
    clients.push(toAlice, toBob);
    toAlice.hello('relay');
    toBob.hello('relay');
    await alice.waitFor((e) => e.event === 'join' && e.id === relay.id, 'the relay at alice');
    await bob.waitFor((e) => e.event === 'join' && e.id === relay.id, 'the relay at bob');
    // The relay tells each of the other, as a member linked with both would.
    const links = `${JSON.stringify({ type: 'links', peers: [alice.id, bob.id] })}\n`;
    const members = (entry: Record<string, unknown>) =>
      `${JSON.stringify({ type: 'members', members: [entry] })}\n${links}`;
    toAlice.write(members(entryOf(helloIn(toBob), bob.port)));
    toBob.write(members(entryOf(helloIn(toAlice), alice.port)));
    await askPeersUntil(alice, knows(bob.id), 'to hear of bob', 10_000);
    await askPeersUntil(bob, knows(alice.id), 'to hear of alice', 10_000);
    relayDirect(toAlice, toBob);
    relayDirect(toBob, toAlice);

    alice.send(`/msg bob ${SECRET}`);
    const shown = await bob.waitFor((e) => e.event === 'message' && e.text === SECRET, 'the dm');
    expect(shown).toMatchObject({ from: 'alice', origin: alice.id, to: bob.id });
    const delivered = await alice.waitFor((e) => e.event === 'dm-delivered', 'the receipt');
    // It names the message by the id bob showed it with.
    expect(delivered).toMatchObject({ to: bob.id, user: 'bob', id: shown.id });
    // What the relay read on both links: ciphertext only.
    expect(readable([...toAlice.lines, ...toBob.lines])).not.toContain('eagle');

    // The relay sends alice's frame again, and one of its own with alice's next number.
    const original = toAlice.frames().find((f) => f.type === 'dm') as unknown as DirectFrame;
    toBob.write(`${JSON.stringify(original)}\n`);
    const next = { ...original, n: original.n + 1 };
    const forged = signDirect(relay, { ...next, box: original.box });
    expect(directHeaderText(forged)).toContain(`\n${original.n + 1}`);
    toBob.write(`${JSON.stringify(forged)}\n`);
    await toBob.roundTrip();
    await bob.waitForStderr(/dropped a direct message claiming to be from alice/);
    // alice's real next message still arrives, and was shown once each.
    alice.send('/msg bob second');
    await bob.waitFor((e) => e.event === 'message' && e.text === 'second', 'the second dm');
    await alice.waitFor(
      (e) => e.event === 'dm-delivered' && String(e.id).endsWith(':d2'),
      'the second receipt',
    );
    const texts = bob.events.filter((e) => e.event === 'message').map((e) => e.text);
    expect(texts).toEqual([SECRET, 'second']);
  });

  it('to a member not linked: the member on the path gets ciphertext only', async () => {
    const carol = await startNode('carol', [], { args: ['--no-mesh'] });
    const proxy = await startProxy(carol.port);
    proxies.push(proxy);
    const onPath: string[] = [];
    proxy.rewrite('upstream', (line) => {
      onPath.push(line);
      return line;
    });
    const alice = await startNode('alice', [proxy.address], { args: ['--no-mesh'] });
    const bob = await startNode('bob', [carol.address], { args: ['--no-mesh'] });
    await askPeersUntil(alice, knows(bob.id), 'to hear of bob', 10_000);
    await askPeersUntil(bob, knows(alice.id), 'to hear of alice', 10_000);

    alice.send(`/msg bob ${SECRET}`);
    await bob.waitFor((e) => e.event === 'message' && e.text === SECRET, 'the dm at bob');
    await alice.waitFor((e) => e.event === 'dm-delivered' && e.to === bob.id, 'the receipt');
    // carol passed it on and its receipt back, and read neither.
    alice.send('after');
    await carol.waitFor((e) => e.event === 'message' && e.text === 'after', 'a later line');
    expect(carol.events.filter((e) => e.event === 'message').map((e) => e.text)).toEqual(['after']);
    expect(`${carol.stdout}${carol.stderr}`).not.toContain('eagle');
    expect(readable(onPath)).not.toContain('eagle');
    // Nor does any other X25519 key open it (here a fresh one), with everything on the wire.
    const stranger = freshDirectBox();
    for (const line of onPath.filter((l) => l.includes('"type":"dm"'))) {
      const dm = JSON.parse(line) as DirectFrame;
      const info = directKeyInfo(`${dm.origin}.${dm.inc}`, `${dm.to}.${dm.toInc}`);
      expect(stranger.open(dm.dh, info, dm.n, directHeaderText(dm), dm.box)).toBeUndefined();
    }
  });
});
