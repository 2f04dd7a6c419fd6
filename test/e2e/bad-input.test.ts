import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeProcess } from '../helpers/node-process.js';
import { killAll, startNode } from '../helpers/node-process.js';
import type { RawClient } from '../helpers/raw-client.js';
import { rawConnect } from '../helpers/raw-client.js';

let alice: NodeProcess;
let bob: NodeProcess;
let round = 0;

beforeAll(async () => {
  alice = await startNode('alice');
  bob = await startNode('bob', [alice.address]);
  await bob.waitFor((e) => e.event === 'join' && e.id === alice.id, 'alice');
});
afterAll(killAll);

/** After every bad input, alice still chats with bob both ways. */
async function stillChats(): Promise<void> {
  round += 1;
  alice.send(`ping ${round}`);
  bob.send(`pong ${round}`);
  await bob.waitFor((e) => e.event === 'message' && e.text === `ping ${round}`, `ping ${round}`);
  await alice.waitFor((e) => e.event === 'message' && e.text === `pong ${round}`, `pong ${round}`);
  expect(alice.child.exitCode).toBeNull();
}

async function handshaken(name: string): Promise<RawClient> {
  const client = await rawConnect(alice.port);
  client.hello(name);
  await alice.waitFor((e) => e.event === 'join' && e.id === client.id, `${name} joined`);
  return client;
}

function remoteOf(client: RawClient): string {
  return `127.0.0.1:${client.socket.localPort}`;
}

describe('bad input from the network: a warning naming the remote, and the node carries on', () => {
  it.each([
    // Each starts with `{`, as a frame does: any other first byte is refused before any line is
    // read (test/e2e/first-byte.test.ts).
    ['a line that is not JSON', '{this is not json\n', /not JSON/],
    [
      'JSON that is not a known frame',
      '{"type":"launch","missiles":1}\n',
      /unknown frame type "launch"/,
    ],
    [
      'a frame with wrong field types',
      '{"type":"hello","v":"1","id":5}\n',
      /invalid frame \(hello: bad "v"\)/,
    ],
    [
      'a frame before the handshake',
      '{"type":"chat","origin":"x","inc":"1","deps":{},"name":"x","seq":1,"time":"t","texts":["hi"],"key":"k","sig":"s"}\n',
      /"chat" before the handshake/,
    ],
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x0a]), /not UTF-8/],
  ])('pre-handshake %s: warned, connection closed', async (_what, bytes, warning) => {
    const client = await rawConnect(alice.port);
    const remote = remoteOf(client);
    client.write(bytes);
    await client.closed();
    const line = await alice.waitForStderr(new RegExp(`${remote.replace(/\./g, '\\.')}[^\\n]*`));
    expect(line).toMatch(warning);
    expect(alice.events.some((e) => e.event === 'join' && e.user === 'x')).toBe(false);
    await stillChats();
  });

  it.each([
    ['a line that is not JSON', 'not json at all\n', /not JSON; dropped/],
    ['JSON that is not a known frame', '[1,2,3]\n', /not a JSON object\); dropped/],
    [
      'a frame with wrong field types',
      '{"type":"chat","origin":"o","inc":"1","deps":{},"name":"n","seq":"1","time":"t","texts":[]}\n',
      /bad "seq"\); dropped/,
    ],
    [
      'bytes that are not UTF-8',
      Buffer.concat([Buffer.from('{"type":"ping","t":1}'), Buffer.from([0xc3, 0x28, 0x0a])]),
      /not UTF-8; dropped/,
    ],
  ])('from a member, %s: dropped with a warning, the link stays', async (_what, bytes, warning) => {
    const client = await handshaken('mallory');
    const remote = remoteOf(client);
    client.write(bytes);
    const line = await alice.waitForStderr(
      new RegExp(`mallory[^\\n]*${remote.replace(/\./g, '\\.')}[^\\n]*`),
    );
    expect(line).toMatch(warning);
    const text = `still linked ${round}`;
    client.write(client.chat('mallory', [text]));
    await alice.waitFor((e) => e.event === 'message' && e.text === text, 'the member still chats');
    client.socket.destroy();
    await stillChats();
  });

  it('a line over 64 KiB closes that connection, also when TCP splits it', async () => {
    const whole = await rawConnect(alice.port);
    whole.write(`{${'x'.repeat(70 * 1024)}\n`);
    await whole.closed();
    const split = await handshaken('longline');
    // Two writes, the second after the first reached the kernel: the node sees two chunks.
    await new Promise((resolve) =>
      split.socket.write(`{"type":"chat","text":"${'y'.repeat(40 * 1024)}`, resolve),
    );
    split.write(`${'y'.repeat(40 * 1024)}"}\n`);
    await split.closed();
    await alice.waitForStderr(/over the 64 KiB frame limit/);
    await stillChats();
  });

  it('a node of another major version that it dials refuses it: one clear line at this end too', async () => {
    // An older node, as far as the wire shows: its hello once the dialer spoke, then its refusal.
    const older = createServer((socket) => {
      socket.once('data', () => {
        socket.write('{"type":"hello","v":2,"id":"0123456789abcdef","name":"oldie"}\n');
        socket.end(
          '{"type":"bye","reason":"incompatible","detail":"this node speaks protocol v2"}\n',
        );
      });
    });
    await new Promise<void>((resolve) => older.listen(0, '127.0.0.1', resolve));
    const { port } = older.address() as AddressInfo;
    const dialer = await startNode('dialer', [`127.0.0.1:${port}`]);
    await dialer.waitForStderr(
      /refused oldie \(127\.0\.0\.1:\d+\): it speaks protocol v2, this node speaks v5/,
    );
    older.close();
    dialer.end();
    expect(dialer.events.some((e) => e.event === 'join')).toBe(false);
  });

  it('a peer speaking another major version is refused with a clear message on both sides', async () => {
    const client = await rawConnect(alice.port);
    client.hello('older', { v: 2 });
    await client.closed();
    await alice.waitForStderr(
      /refused older \(127\.0\.0\.1:\d+\): it speaks protocol v2, this node speaks v5/,
    );
    const bye = client.frames().find((f) => f.type === 'bye');
    expect(bye).toMatchObject({ type: 'bye', reason: 'incompatible' });
    expect(String(bye?.detail)).toMatch(/protocol v5/);
    expect(alice.events.some((e) => e.event === 'join' && e.id === client.id)).toBe(false);
    await stillChats();
  });

  it('a connection that never says hello is closed after the handshake timeout', async () => {
    // One says nothing at all (the edge's timeout); one only its first byte (then the core's).
    const [silent, brief] = await Promise.all([rawConnect(alice.port), rawConnect(alice.port)]);
    const silentRemote = remoteOf(silent).replace(/\./g, '\\.');
    brief.write('{');
    await Promise.all([silent.closed(15_000), brief.closed(15_000)]);
    await alice.waitForStderr(new RegExp(`refused ${silentRemote}: no handshake within 5000 ms`));
    await alice.waitForStderr(/did not complete the handshake within 5000 ms; closed/);
    expect(silent.socket.bytesRead).toBe(0);
    expect(brief.frames().map((f) => f.type)).toEqual(['hello']);
    await stillChats();
  });

  it('a burst of the same warning is printed once with a count', async () => {
    const client = await handshaken('noisy');
    client.write('junk\n'.repeat(500));
    await alice.waitForStderr(/noisy[^\n]*not JSON; dropped \(and 499 more like it\)/);
    const lines = alice.stderr
      .split('\n')
      .filter((line) => line.includes('noisy') && line.includes('not JSON'));
    expect(lines).toHaveLength(2);
    client.socket.destroy();
    await stillChats();
  });
});
