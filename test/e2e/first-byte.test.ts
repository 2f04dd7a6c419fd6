import { afterEach, describe, expect, it } from 'vitest';
import type { NodeProcess } from '../helpers/node-process.js';
import { killAll, poll, startNode } from '../helpers/node-process.js';
import type { RawClient } from '../helpers/raw-client.js';
import { rawConnect } from '../helpers/raw-client.js';

afterEach(killAll);

const secret = { env: { RXCHAT_SECRET: 'correct horse' } };
/** The first record of a TLS ClientHello, as far as the node reads before it judges. */
const CLIENT_HELLO = Buffer.from([0x16, 0x03, 0x01, 0x00, 0xf0, 0x01, 0x00, 0x00, 0xec, 0x03]);
const HTTP_GET = 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';

/** Two nodes of one room, linked. */
async function pair(options: { env?: Record<string, string> } = {}) {
  const alice = await startNode('alice', [], options);
  const bob = await startNode('bob', [alice.address], options);
  await alice.waitFor((e) => e.event === 'join' && e.id === bob.id, 'bob joined alice');
  return { alice, bob };
}

let round = 0;
/** `from` says a line and `to` shows it. */
async function chats(from: NodeProcess, to: NodeProcess): Promise<void> {
  round += 1;
  const text = `still here ${round}`;
  from.send(text);
  await to.waitFor((e) => e.event === 'message' && e.text === text, text);
}

/** A raw client and its end of the connection as the node names it (kept: a closed socket forgets it). */
interface Refused {
  readonly client: RawClient;
  readonly remote: string;
}

/** Connects, sends what `speak` sends, and waits until the node closed the connection. */
async function refusedAfter(
  node: NodeProcess,
  speak: string | Buffer | ((client: RawClient) => void),
): Promise<Refused> {
  const client = await rawConnect(node.port);
  const remote = `127.0.0.1:${client.socket.localPort}`;
  if (typeof speak === 'function') speak(client);
  else client.write(speak);
  await client.closed();
  return { client, remote };
}

/** Waits for the one warning about `refused`, and checks it is one line and nothing was sent. */
async function oneWarning(node: NodeProcess, refused: Refused, reason: string): Promise<void> {
  const line = `rxchat: refused ${refused.remote}: ${reason}`;
  await node.waitForStderr(new RegExp(`^${line.replace(/[.()]/g, '\\$&')}$`, 'm'));
  const about = node.stderr.split('\n').filter((l) => l.includes(`${refused.remote}:`));
  expect(about).toEqual([line]);
  expect(refused.client.socket.bytesRead).toBe(0);
}

describe('an accepted connection: the dialer speaks first, and its first byte decides', () => {
  it('an open room sends nothing on an accepted connection before its first byte', async () => {
    const { alice, bob } = await pair();
    const silent = await rawConnect(alice.port);
    // Accepted after the silent one (one listen queue, in order): the node answers it first, and
    // its whole handshake and a chat line take several round trips more than one hello would.
    const probe = await rawConnect(alice.port);
    probe.hello('probe');
    await alice.waitFor((e) => e.event === 'join' && e.id === probe.id, 'probe joined');
    await chats(alice, bob);
    await poll(
      () => (probe.frames().some((f) => f.type === 'chat') ? true : undefined),
      'the line reached the probe',
      15_000,
      () => probe.lines.join('\n'),
    );
    expect(silent.socket.bytesRead).toBe(0);
    silent.hello('late');
    await alice.waitFor((e) => e.event === 'join' && e.id === silent.id, 'the late one joined');
    expect(silent.frames()[0]).toMatchObject({ type: 'hello', id: alice.id });
    await chats(bob, alice);
  });

  it('an open room refuses a TLS handshake with one warning line, and chats on', async () => {
    const { alice, bob } = await pair();
    const refused = await refusedAfter(alice, CLIENT_HELLO);
    await oneWarning(alice, refused, 'it spoke TLS, but this room is open (no secret)');
    await chats(alice, bob);
    await chats(bob, alice);
  });

  it('a closed room refuses frames in the clear with one warning line; its members chat on', async () => {
    const { alice, bob } = await pair(secret);
    const refused = await refusedAfter(alice, (client) => client.hello('intruder'));
    await oneWarning(alice, refused, 'it spoke in the clear, but this room is closed');
    expect(alice.events.some((e) => e.event === 'join' && e.id === refused.client.id)).toBe(false);
    await chats(alice, bob);
    await chats(bob, alice);
  });

  it.each([
    ['an open room', {}],
    ['a closed room', secret],
  ])('%s refuses a first byte that is neither rxchat nor TLS', async (_room, options) => {
    const { alice, bob } = await pair(options);
    const refused = await refusedAfter(alice, HTTP_GET);
    await oneWarning(alice, refused, 'its first byte 0x47 is neither rxchat nor TLS');
    await chats(alice, bob);
  });

  it('connections waiting for their first byte count against the per-address limit: a 17th closes the first', async () => {
    const { alice, bob } = await pair();
    // Sixteen wait (until the handshake timeout); the seventeenth is taken, and the first closed.
    const waiting: RawClient[] = [];
    for (let i = 0; i < 16; i++) waiting.push(await rawConnect(alice.port));
    const [first] = waiting;
    if (first === undefined) throw new Error('no connection');
    const remote = `127.0.0.1:${first.socket.localPort}`;
    const newest = await rawConnect(alice.port);
    await first.closed();
    await oneWarning(
      alice,
      { client: first, remote },
      'closed for a newer one: 16 connections from one address still without a handshake',
    );
    expect([...waiting.slice(1), newest].map((c) => c.socket.destroyed)).toEqual(
      Array(16).fill(false),
    );
    expect(waiting.map((client) => client.socket.bytesRead)).toEqual(Array(16).fill(0));
    for (const client of [...waiting, newest]) client.socket.destroy();
    await chats(alice, bob);
  });

  it('refusals do not flood stderr: 30 odd first bytes from one host are a line or two', async () => {
    const alice = await startNode('alice');
    const refusal =
      /^rxchat: refused 127\.0\.0\.1:\d+: its first byte 0x[0-9a-f]{2} is neither rxchat nor TLS(?: \(and (\d+) more like it\))?$/gm;
    /** Refusals accounted for on stderr: a line is one, a count line its count. */
    const counted = () =>
      [...alice.stderr.matchAll(refusal)].reduce(
        (sum, match) => sum + (match[1] === undefined ? 1 : Number(match[1])),
        0,
      );
    // One after another: connections waiting for a first byte count against the per-address limit.
    for (let i = 0; i < 30; i++) await refusedAfter(alice, String.fromCharCode(0x41 + i));
    await poll(
      () => (counted() === 30 ? true : undefined),
      'all 30 refusals accounted for',
      15_000,
      () => alice.stderr,
    );
    expect([...alice.stderr.matchAll(refusal)].length).toBeLessThanOrEqual(4);
  });
});
