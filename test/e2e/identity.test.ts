import { chmodSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { signChat } from '../../src/core/signing.js';
import { PROTOCOL_VERSION } from '../../src/protocol/frames.js';
import { killAll, poll, runToExit, startNode } from '../helpers/node-process.js';
import { proofLine, rawConnect, signedAnnouncement } from '../helpers/raw-client.js';

afterEach(killAll);

const tempFile = (name: string) => join(mkdtempSync(join(tmpdir(), 'rxchat-id-')), name);

describe('identities', () => {
  it('restart with --identity: same node id, new incarnation; the others show the same zed#abcd', async () => {
    const file = tempFile('zed.key');
    const alice = await startNode('alice');
    const zed1 = await startNode('zed', [alice.address], { args: ['--identity', file] });
    expect((statSync(file).mode & 0o777).toString(8)).toBe('600');
    await alice.waitFor((e) => e.event === 'join' && e.id === zed1.id, 'zed');
    zed1.send('first life');
    const before = await alice.waitFor(
      (e) => e.event === 'message' && e.text === 'first life',
      'first life',
    );
    zed1.send('/quit');
    await alice.waitFor((e) => e.event === 'leave' && e.id === zed1.id, 'zed left');
    const zed2 = await startNode('zed', [alice.address], { args: ['--identity', file] });
    expect(zed2.id).toBe(zed1.id);
    zed2.send('second life');
    const after = await alice.waitFor(
      (e) => e.event === 'message' && e.text === 'second life',
      'second life',
    );
    const incarnation = (id: unknown) => String(id).split(':')[0];
    expect(incarnation(after.id)).not.toBe(incarnation(before.id));
    expect(String(after.id).startsWith(`${zed1.id}.`)).toBe(true);
    expect(alice.events.filter((e) => e.event === 'join').map((e) => e.id)).toEqual([
      zed1.id,
      zed1.id,
    ]);
  });

  it('an identity file others can read is refused with exit 2', async () => {
    const file = tempFile('loose.key');
    const first = await runToExit(['0', 'zed', '--host', '127.0.0.1', '--identity', file], '');
    expect(first.code).toBe(0);
    chmodSync(file, 0o644);
    const result = await runToExit(['0', 'zed', '--host', '127.0.0.1', '--identity', file], '');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/has mode 0644: others can read it; run chmod 600/);
  });

  it('/whois shows a member’s id, key fingerprint, address and how long it has been linked', async () => {
    const alice = await startNode('alice');
    const bob = await startNode('bob', [alice.address]);
    await alice.waitFor((e) => e.event === 'join', 'bob');
    alice.send('/whois bob');
    const whois = await alice.waitFor((e) => e.event === 'whois', 'whois');
    expect(whois).toMatchObject({ user: 'bob', id: bob.id, address: bob.address, state: 'linked' });
    expect(String(whois.fingerprint)).toMatch(/^([0-9a-f]{4}:){7}[0-9a-f]{4}$/);
    expect(whois.linkedForMs).toBeGreaterThanOrEqual(0);
  });
});

describe('handshakes that prove nothing are refused', () => {
  it('a proof over the wrong nonce, or a handshake replayed from a captured session', async () => {
    const alice = await startNode('alice');
    // A genuine session, captured: the client's hello and its valid proof for that session's nonce.
    const honest = await rawConnect(alice.port);
    honest.hello('carol');
    await alice.waitFor((e) => e.event === 'join' && e.id === honest.id, 'carol joined');
    const captured = honest.lines.length; // alice's frames seen so far
    const sent: string[] = [];
    const aliceHello = honest.frames()[0] ?? {};
    const replayedHello = JSON.stringify(honest.sentHello());
    const replayedProof = honest.proofFor(aliceHello).trimEnd();
    sent.push(replayedHello, replayedProof);
    honest.socket.destroy();
    await alice.waitFor((e) => e.event === 'leave' && e.id === honest.id, 'carol gone');
    expect(captured).toBeGreaterThan(0);

    // The attacker replays the captured bytes on a new connection: alice's nonce is new.
    const replay = await rawConnect(alice.port);
    replay.write(`${sent.join('\n')}\n`);
    await replay.closed();
    await alice.waitForStderr(
      /refused carol \(127\.0\.0\.1:\d+\): its handshake proof does not verify \(a replayed or forged handshake\)/,
    );

    // A proof signed by another key than the hello's.
    const liar = await rawConnect(alice.port);
    const other = await rawConnect(alice.port);
    const lie = {
      type: 'hello',
      v: PROTOCOL_VERSION,
      nonce: 'n',
      ...signedAnnouncement(liar.identity, { name: 'liar' }),
    };
    liar.write(`${JSON.stringify(lie)}\n`);
    const liarHello = await poll(
      () => liar.frames().find((f) => f.type === 'hello'),
      "alice's hello",
      10_000,
      () => '',
    );
    liar.write(proofLine(other.identity, lie, liarHello));
    await liar.closed();
    await alice.waitForStderr(
      /refused liar \(127\.0\.0\.1:\d+\): its handshake proof does not verify/,
    );
    other.socket.destroy();
    expect(alice.events.filter((e) => e.event === 'join').map((e) => e.id)).toEqual([honest.id]);
  });
});

describe('a relay cannot put words in another member’s mouth', () => {
  it('altered and forged messages are dropped at the receiver with a warning; the genuine one still arrives', async () => {
    const args = ['--no-mesh'];
    const alice = await startNode('alice', [], { args });
    const carol = await startNode('carol', [], { args });
    // mallory links to both and relays between them.
    const toAlice = await rawConnect(alice.port);
    const toCarol = await rawConnect(carol.port);
    toAlice.hello('mallory');
    toCarol.hello('mallory');
    await alice.waitFor((e) => e.event === 'join' && e.user === 'mallory', 'mallory at alice');
    await carol.waitFor((e) => e.event === 'join' && e.user === 'mallory', 'mallory at carol');
    alice.send('pay bob 5 euros');
    const genuine = await poll(
      () => toAlice.frames().find((f) => f.type === 'chat'),
      "alice's chat frame",
      10_000,
      () => '',
    );
    const texts = genuine.texts as string[];
    // 1. Altered text, original signature.
    const altered = { ...genuine, texts: texts.map(() => 'pay mallory 500 euros') };
    toCarol.write(`${JSON.stringify(altered)}\n`);
    // 2. Forged: alice's origin and key, signed by mallory.
    const forged = signChat(toCarol.identity, {
      type: 'chat',
      origin: String(genuine.origin),
      inc: String(genuine.inc),
      name: 'alice',
      seq: 2,
      deps: {},
      time: new Date().toISOString(),
      texts: ['mallory is trustworthy'],
    });
    toCarol.write(`${JSON.stringify({ ...forged, key: genuine.key })}\n`);
    // 3. Forged with mallory's own key but alice's id.
    toCarol.write(`${JSON.stringify(forged)}\n`);
    // 4. The genuine frame, relayed unchanged.
    toCarol.write(`${JSON.stringify(genuine)}\n`);
    await carol.waitFor(
      (e) => e.event === 'message' && e.text === 'pay bob 5 euros',
      'the genuine message',
    );
    await carol.waitForStderr(
      /dropped a message claiming to be from alice \([0-9a-f]{8}\) that came from mallory: its signature does not verify/,
    );
    expect(carol.events.filter((e) => e.event === 'message').map((e) => e.text)).toEqual([
      'pay bob 5 euros',
    ]);
    expect(carol.events.find((e) => e.event === 'message')?.origin).toBe(alice.id);
  });
});
