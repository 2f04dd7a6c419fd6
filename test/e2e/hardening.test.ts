import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeProcess } from '../helpers/node-process.js';
import { killAll, poll, startNode } from '../helpers/node-process.js';
import type { RawClient } from '../helpers/raw-client.js';
import { rawConnect } from '../helpers/raw-client.js';

const clients: RawClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.socket.destroy();
  killAll();
});

/** Peak resident memory of a process, in MB (Linux /proc). */
function peakRssMb(node: NodeProcess): number {
  const status = readFileSync(`/proc/${node.child.pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 'NaN');
  return kb / 1024;
}

let round = 0;
async function stillChats(a: NodeProcess, b: NodeProcess): Promise<void> {
  round += 1;
  a.send(`check ${round}`);
  await b.waitFor(
    (e) => e.event === 'message' && e.text === `check ${round}`,
    `check ${round}`,
    30_000,
  );
}

/** Control, C1 and bidi characters in text (newlines and tabs aside), as code points. */
function controls(text: string, bidi: boolean): number[] {
  return [...text]
    .map((char) => char.codePointAt(0) ?? 0)
    .filter((code) => {
      if (code === 0x0a || code === 0x09) return false;
      if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
      return bidi && ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069));
    });
}

const HOSTILE = ['\x1b]0;title\x07', '\x1b[2J', 'c1\u009bhere', 'abc\u202edef'];

describe('the terminal is not the attacker’s', () => {
  it('escape sequences, C1 controls and bidi overrides in texts show as inert text; in a name, the hello is refused', async () => {
    const alice = await startNode('alice', [], { json: false, ready: false });
    await poll(
      () => /listening on port (\d+)/.exec(alice.stdout)?.[1],
      'alice listening',
      15_000,
      () => alice.stderr,
    );
    const port = Number(/listening on port (\d+)/.exec(alice.stdout)?.[1]);
    const named = await rawConnect(port);
    clients.push(named);
    named.hello('x\x1b[2Jy\u202e');
    await named.closed();
    await poll(
      () => (/sent an invalid frame \(hello: bad "name"\)/.test(alice.stderr) ? true : undefined),
      'the hostile name refused',
      15_000,
      () => alice.stderr,
    );
    const client = await rawConnect(port);
    clients.push(client);
    client.hello('mallory');
    await poll(
      () => (alice.stdout.includes(' joined') ? true : undefined),
      'the hostile member joined',
      15_000,
      () => alice.stdout,
    );
    client.write(client.chat('mallory', HOSTILE));
    await poll(
      () => (alice.stdout.includes('abc\\u202edef') ? true : undefined),
      'the last text',
      15_000,
      () => alice.stdout,
    );
    expect(alice.stdout).toContain('^[]0;title^G');
    expect(alice.stdout).toContain('^[[2J');
    expect(alice.stdout).toContain('c1\\u009bhere');
    expect(alice.stdout).toContain('mallory joined');
    expect(alice.stdout).not.toContain('x^[[2Jy');
    const raw = Buffer.from(alice.stdout, 'utf8');
    expect(raw.includes(0x1b)).toBe(false);
    expect(raw.includes(0x07)).toBe(false);
    expect(controls(alice.stdout, true)).toEqual([]);
    expect(controls(alice.stderr, false)).toEqual([]);
  });

  it('--json output stays valid JSON whatever arrives', async () => {
    const alice = await startNode('alice');
    const client = await rawConnect(alice.port);
    clients.push(client);
    client.hello('mallory');
    await alice.waitFor(
      (e) => e.event === 'join' && e.id === client.id,
      'the hostile member joined',
    );
    client.write(client.chat('mallory', [...HOSTILE, '\u2028\u2029"\\']));
    await alice.waitFor(
      (e) => e.event === 'message' && e.text === '\u2028\u2029"\\',
      'the last text',
    );
    expect(alice.events.filter((e) => e.event === 'message').map((e) => e.text)).toEqual([
      ...HOSTILE,
      '\u2028\u2029"\\',
    ]);
  });
});

describe('a node nobody can knock over', () => {
  it('20 MB of random bytes and 100,000 junk lines: it stays up, keeps chatting, and stays under 200 MB', async () => {
    const alice = await startNode('alice');
    const bob = await startNode('bob', [alice.address]);
    await alice.waitFor((e) => e.event === 'join', 'bob');
    for (let i = 0; i < 20; i++) {
      const client = await rawConnect(alice.port);
      client.write(randomBytes(1024 * 1024));
      await client.closed(20_000);
    }
    await stillChats(alice, bob);
    const member = await rawConnect(alice.port);
    member.hello('junk');
    await alice.waitFor((e) => e.event === 'join' && e.id === member.id, 'junk member');
    const junk = [
      'not json',
      '{"type":"nope"}',
      '[1,2]',
      '{"type":"chat","seq":-1}',
      '{"type":"hello"}',
    ];
    member.write(
      Array.from({ length: 100_000 }, (_, i) => junk[i % junk.length])
        .join('\n')
        .concat('\n'),
    );
    member.write('{"type":"ping","t":1}\n');
    await poll(
      () => (member.frames().some((f) => f.type === 'pong') ? true : undefined),
      'a pong after the junk',
      60_000,
      () => alice.stderr.slice(-500),
    );
    await stillChats(bob, alice);
    expect(alice.child.exitCode).toBeNull();
    expect(peakRssMb(alice)).toBeLessThan(200);
    expect(alice.stderr.split('\n').length).toBeLessThan(200);
  });

  it('a member that never reads while another floods: the flooder’s memory stays bounded, the others chat on', {
    timeout: 150_000,
  }, async () => {
    const alice = await startNode('alice', [], { args: ['--linger', '0'] });
    const bob = await startNode('bob', [alice.address]);
    await alice.waitFor((e) => e.event === 'join', 'bob');
    const sloth = await rawConnect(alice.port);
    sloth.hello('sloth');
    await alice.waitFor((e) => e.event === 'join' && e.id === sloth.id, 'sloth joined');
    sloth.socket.pause();
    // It looks alive (any frame counts) but reads nothing.
    const alive = setInterval(() => sloth.write('{"type":"pong","t":0}\n'), 300);
    try {
      const line = 'f'.repeat(200);
      const flood = Array.from({ length: 150_000 }, (_, i) => `${i} ${line}`).join('\n');
      alice.child.stdin.write(`${flood}\n`);
      await alice.waitFor(
        (e) => e.event === 'leave' && e.id === sloth.id && e.reason === 'lost',
        'the sloth dropped',
        90_000,
      );
      await alice.waitForStderr(/sloth[^\n]*\(127\.0\.0\.1:\d+\) lost: it stopped reading/);
      await poll(
        () =>
          bob.events.filter((e) => e.event === 'message').length >= 150_000 ? true : undefined,
        'bob got the flood',
        90_000,
        () => String(bob.events.length),
      );
      await stillChats(bob, alice);
      expect(peakRssMb(alice)).toBeLessThan(250);
    } finally {
      clearInterval(alive);
    }
  });
});
