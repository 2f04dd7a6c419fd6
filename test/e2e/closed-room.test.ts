import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killAll, poll, runToExit, startNode } from '../helpers/node-process.js';
import { rawConnect } from '../helpers/raw-client.js';

afterEach(killAll);

const secret = (value: string) => ({ env: { RXCHAT_SECRET: value } });

describe('closed rooms', () => {
  it('two nodes with the same secret chat; a wrong secret and no secret are refused, with a warning on both sides', async () => {
    const alice = await startNode('alice', [], secret('correct horse'));
    const bob = await startNode('bob', [alice.address], secret('correct horse'));
    await alice.waitFor((e) => e.event === 'join' && e.id === bob.id, 'bob');
    bob.send('inside');
    await alice.waitFor((e) => e.event === 'message' && e.text === 'inside', 'the line');
    expect(alice.stderr).not.toMatch(/open and unencrypted/);

    const eve = await startNode('eve', [alice.address], secret('wrong guess'));
    await eve.waitForStderr(
      /still trying 127\.0\.0\.1:\d+ \(attempt 1, next in [\d.]+ s\): the TLS handshake failed: it uses a different room secret/,
    );
    await alice.waitForStderr(/refused 127\.0\.0\.1:\d+: it uses a different room secret/);
    const mallory = await startNode('mallory', [alice.address]);
    await mallory.waitForStderr(/still trying .*: it closed the connection before the handshake/);
    await alice.waitForStderr(
      /refused 127\.0\.0\.1:\d+: it spoke in the clear, but this room is closed/,
    );
    eve.send('let me in');
    mallory.send('me too');
    bob.send('still private');
    await alice.waitFor((e) => e.event === 'message' && e.text === 'still private', 'bob again');
    for (const node of [alice, bob]) {
      const joined = node.events.filter((e) => e.event === 'join').map((e) => e.id);
      expect(joined).not.toContain(eve.id);
      expect(joined).not.toContain(mallory.id);
      expect(node.events.filter((e) => e.event === 'message').map((e) => e.text)).not.toContain(
        'let me in',
      );
    }
    expect(eve.events.some((e) => e.event === 'join')).toBe(false);
    expect(mallory.events.some((e) => e.event === 'join')).toBe(false);
  });

  it('an open node that is dialled by a closed one says the peer spoke TLS', async () => {
    const open = await startNode('open');
    const closed = await startNode('closed', [open.address], secret('s3cret'));
    await open.waitForStderr(
      /refused 127\.0\.0\.1:\d+: it spoke TLS, but this room is open \(no secret\)/,
    );
    await closed.waitForStderr(/still trying 127\.0\.0\.1:\d+ .*: the TLS handshake failed/);
    expect(open.events.some((e) => e.event === 'join')).toBe(false);
  });

  it('without a secret the node says once that the room is open and unencrypted', async () => {
    const open = await startNode('open');
    await open.waitForStderr(/this room is open and unencrypted/);
    expect(open.stderr.match(/open and unencrypted/g)).toHaveLength(1);
  });

  it('a raw client speaking the open protocol at a closed node gets nothing and is shown nothing', async () => {
    const alice = await startNode('alice', [], secret('s3cret'));
    const client = await rawConnect(alice.port);
    client.hello('intruder');
    client.write(client.chat('intruder', ['boo']));
    await client.closed();
    expect(client.lines).toEqual([]);
    expect(alice.events.map((e) => e.event)).toEqual(['ready']);
  });

  it('200 silent connections are all closed by the handshake timeout', async () => {
    const alice = await startNode('alice', [], secret('s3cret'));
    const clients = await Promise.all(Array.from({ length: 200 }, () => rawConnect(alice.port)));
    const started = Date.now();
    await Promise.all(clients.map((client) => client.closed(15_000)));
    expect(Date.now() - started).toBeLessThan(15_000);
    await alice.waitForStderr(/no handshake within 5000 ms/);
    const bob = await startNode('bob', [alice.address], secret('s3cret'));
    await alice.waitFor((e) => e.event === 'join' && e.id === bob.id, 'bob still gets in');
  });

  it.each([
    [
      'both RXCHAT_SECRET and --secret-file',
      { RXCHAT_SECRET: 'x' },
      ['--secret-file', '/etc/hostname'],
      /give the room secret once/,
    ],
    ['an empty RXCHAT_SECRET', { RXCHAT_SECRET: '' }, [], /RXCHAT_SECRET is set but empty/],
    [
      'an unreadable --secret-file',
      {},
      ['--secret-file', '/nonexistent/secret'],
      /cannot read the secret file \/nonexistent\/secret \(ENOENT\)/,
    ],
  ])('exit 2 for %s', async (_what, env, args, message) => {
    const result = await runToExit(['0', 'alice', '--host', '127.0.0.1', ...args], '', 15_000, env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('a secret from --secret-file closes the room like RXCHAT_SECRET', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxchat-secret-'));
    const file = join(dir, 'secret');
    writeFileSync(file, 'from a file\n', { mode: 0o600 });
    const alice = await startNode('alice', [], { args: ['--secret-file', file] });
    const bob = await startNode('bob', [alice.address], secret('from a file'));
    await poll(
      () => (alice.events.some((e) => e.event === 'join' && e.id === bob.id) ? true : undefined),
      'bob joined',
      15_000,
      () => alice.stderr,
    );
  });
});
