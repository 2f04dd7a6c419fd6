import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { killAll, runToExit, startNode } from '../helpers/node-process.js';

afterEach(killAll);

describe('exit code 2: a bad command line, one line naming what is wrong plus a usage hint', () => {
  it.each([
    ['no arguments at all', [], /missing <port> and <username>/],
    ['a missing username', ['8080'], /missing <username>/],
    ['a port that is not a number', ['http', 'alice'], /<port> must be a number from 0 to 65535/],
    ['a port over 65535', ['70000', 'alice'], /<port> must be a number from 0 to 65535/],
    ['a name with a space', ['0', 'al ice'], /<username> must be 1-32 letters/],
    ['a name with #', ['0', 'al#ice'], /<username> must be 1-32 letters/],
    ['a name of 33 characters', ['0', 'a'.repeat(33)], /<username> must be 1-32 letters/],
    ['a peer without a port', ['0', 'alice', 'localhost'], /peer "localhost" is not host:port/],
    [
      'an IPv6 peer without brackets',
      ['0', 'alice', '::1:8080'],
      /is not host:port \(IPv6 as \[::1\]:port\)/,
    ],
    ['an unknown option', ['0', 'alice', '--colour'], /unknown option --colour/],
    [
      'a bad --peer-timeout',
      ['0', 'alice', '--peer-timeout', 'soon'],
      /--peer-timeout must be a whole number/,
    ],
    [
      'a bad --advertise',
      ['0', 'alice', '--advertise', 'nowhere'],
      /--advertise must be host:port/,
    ],
    [
      'an --advertise nobody can dial',
      ['0', 'alice', '--advertise', '0.0.0.0:8080'],
      /--advertise must name an address others can dial, not "0\.0\.0\.0:8080"/,
    ],
    [
      'an option without its value',
      ['0', 'alice', '--peer-timeout'],
      /--peer-timeout needs a value: a whole number of milliseconds/,
    ],
    [
      'a negative value',
      ['0', 'alice', '--linger', '-1'],
      /--linger must be a whole number of milliseconds ≥ 0, got "-1"/,
    ],
    [
      'a --links of none',
      ['0', 'alice', '--links', '0'],
      /--links must be a whole number of links \(or all\) ≥ 1, got "0"/,
    ],
    [
      'a value for an option that takes none',
      ['0', 'alice', '--quiet=yes'],
      /--quiet takes no value, got "--quiet=yes"/,
    ],
  ])('%s', async (_what, args, message) => {
    const result = await runToExit(args);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^rxchat: /);
    expect(lines[0]).toMatch(message);
    expect(lines[1]).toMatch(/^Usage: rxchat <port> <username>/);
    expect(result.stdout).toBe('');
  });
});

describe('exit code 1: the node cannot run', () => {
  it('when the port is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const result = await runToExit([String(port), 'alice', '--host', '127.0.0.1']);
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(
        `rxchat: cannot listen on 127.0.0.1 port ${port}: the port is in use`,
      );
    } finally {
      blocker.close();
    }
  });

  it('when the listen address is not on this machine', async () => {
    const result = await runToExit(['0', 'alice', '--host', '192.0.2.1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /cannot listen on 192\.0\.2\.1 port 0: the address is not available/,
    );
  });
});

describe('the README’s command', () => {
  it('npx rxchat runs this checkout’s own binary (never one fetched from the registry)', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      // An empty npm cache: nothing left over from elsewhere can stand in for the local binary.
      const cache = mkdtempSync(join(tmpdir(), 'rxchat-npx-'));
      const child = spawn(
        'npx',
        ['--no-install', 'rxchat', '0', 'alice', '--host', '127.0.0.1', '--json'],
        { cwd: root, env: { ...process.env, npm_config_cache: cache } },
      );
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
      });
      child.on('close', (code) => resolve({ code, stdout }));
      child.stdin.end();
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.split('\n')[0] ?? '')).toMatchObject({
      event: 'ready',
      user: 'alice',
    });
  });
});

describe('help and version', () => {
  it('--help lists every option with its default and examples, exit 0', async () => {
    const result = await runToExit(['--help']);
    expect(result.code).toBe(0);
    for (const option of [
      '--host',
      '--advertise',
      '--no-mesh',
      '--peer-timeout',
      '--redial-for',
      '--json',
      '--help',
      '--version',
    ]) {
      expect(result.stdout).toContain(option);
    }
    expect(result.stdout).toContain('(default: 3000)');
    expect(result.stdout).toContain('rxchat 8081 bob localhost:8080');
  });

  it('--version prints the version, exit 0', async () => {
    const result = await runToExit(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^rxchat \d+\.\d+\.\d+\n$/);
  });
});

describe('exit code 0 and the scripted chat', () => {
  it('printf lines | rxchat 0 dave host:port delivers every line, then leaves with exit 0', async () => {
    const alice = await startNode('alice');
    const result = await runToExit(
      ['0', 'dave', alice.address, '--host', '127.0.0.1'],
      'one\ntwo\r\n\nthree\n',
    );
    expect(result.code).toBe(0);
    await alice.waitFor(
      (e) => e.event === 'leave' && e.user === 'dave' && e.reason === 'quit',
      'dave left',
    );
    const texts = alice.events.filter((e) => e.event === 'message').map((e) => e.text);
    expect(texts).toEqual(['one', 'two', 'three']);
  });

  it('ready comes first even when stdin is already at its end', async () => {
    const result = await runToExit(['0', 'erin', '--host', '127.0.0.1', '--json'], '');
    expect(result.code).toBe(0);
    const first = JSON.parse(result.stdout.split('\n')[0] ?? '') as Record<string, unknown>;
    expect(first).toMatchObject({ event: 'ready', v: 1, user: 'erin' });
    expect(first.port).toBeGreaterThan(0);
  });

  it('a peer that cannot be reached gets one "still trying" line and the node runs on', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const alice = await startNode('alice');
    const result = await runToExit(
      ['0', 'frank', `127.0.0.1:${port}`, alice.address, '--host', '127.0.0.1'],
      'made it\n',
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      new RegExp(`still trying 127\\.0\\.0\\.1:${port} \\(attempt 1, next in [\\d.]+ s\\): `),
    );
    await alice.waitFor((e) => e.event === 'message' && e.text === 'made it', 'the line');
  });

  it('a line over 16,000 characters is refused with a warning, never cut', async () => {
    const alice = await startNode('alice');
    const result = await runToExit(
      ['0', 'gus', alice.address, '--host', '127.0.0.1'],
      `${'z'.repeat(16_001)}\nshort\n`,
    );
    // Refused, so the script was not fully heard: exit 3, and one line saying why.
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/a line over 16000 characters was refused; nothing was sent/);
    expect(result.stderr).toMatch(/rxchat: 1 line\(s\) refused; see the warnings above/);
    await alice.waitFor((e) => e.event === 'leave' && e.user === 'gus', 'gus left');
    expect(alice.events.filter((e) => e.event === 'message').map((e) => e.text)).toEqual(['short']);
  });
});
