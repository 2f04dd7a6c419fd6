import { execFileSync, spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, killAll, poll, startNode } from '../helpers/node-process.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux) {
  console.warn(
    'SKIPPED: the terminal tests need tmux, which is not installed here (.ci/run installs it).',
  );
}

const sessions: string[] = [];
afterEach(() => {
  for (const session of sessions.splice(0)) spawnSync('tmux', ['kill-session', '-t', session]);
  killAll();
});

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

/** Starts rxchat in a real terminal (a detached tmux pane). */
function startInTmux(args: readonly string[], env: Record<string, string> = {}): string {
  const session = `rxchat-test-${process.pid}-${sessions.length}`;
  sessions.push(session);
  const command = [process.execPath, BIN, ...args].map((part) => `'${part}'`).join(' ');
  const exports = Object.entries(env)
    .map(([key, value]) => `${key}='${value}' `)
    .join('');
  tmux(
    'new-session',
    '-d',
    '-s',
    session,
    '-x',
    '120',
    '-y',
    '40',
    `env -u NO_COLOR ${exports}${command}`,
  );
  return session;
}

const screen = (session: string, escapes = false): string =>
  tmux('capture-pane', '-t', session, '-p', ...(escapes ? ['-e'] : []));

function until(session: string, what: string, check: (text: string) => boolean): Promise<string> {
  return poll(
    () => {
      const text = screen(session);
      return check(text) ? text : undefined;
    },
    what,
    15_000,
    () => screen(session),
  );
}

describe('a human at a terminal (tmux)', () => {
  it.skipIf(!hasTmux)(
    'a half-typed line survives an arriving message; /peers, /help and /quit work; names are coloured',
    async () => {
      const bob = await startNode('bob');
      const session = startInTmux(['0', 'alice', bob.address, '--host', '127.0.0.1']);
      await until(session, 'bob joined', (text) => text.includes('* bob joined'));
      tmux('send-keys', '-t', session, '-l', 'half typ');
      await until(session, 'the half-typed line', (text) => text.includes('> half typ'));
      bob.send('arriving now');
      const after = await until(session, 'the arriving message', (text) =>
        text.includes('bob: arriving now'),
      );
      const lines = after.split('\n').filter((line) => line.trim() !== '');
      expect(lines.at(-1)).toBe('> half typ');
      expect(lines.findIndex((line) => line.includes('bob: arriving now'))).toBeLessThan(
        lines.length - 1,
      );
      tmux('send-keys', '-t', session, '-l', 'ed line');
      tmux('send-keys', '-t', session, 'Enter');
      await bob.waitFor(
        (e) => e.event === 'message' && e.text === 'half typed line',
        'the whole line at bob',
      );

      tmux('send-keys', '-t', session, '-l', '/peers');
      tmux('send-keys', '-t', session, 'Enter');
      await until(session, '/peers output', (text) =>
        /bob#[0-9a-f]{4}\s+127\.0\.0\.1:\d+\s+linked/.test(text),
      );
      tmux('send-keys', '-t', session, '-l', '/help');
      tmux('send-keys', '-t', session, 'Enter');
      const help = await until(session, '/help output', (text) => text.includes('/quit'));
      for (const command of ['/msg', '/me', '/peers', '/stats', '/help', '/quit', '//text'])
        expect(help).toContain(command);

      // On a terminal, names are coloured (an SGR colour code before bob's name).
      const ESC = String.fromCharCode(27);
      expect(screen(session, true)).toMatch(new RegExp(`${ESC}\\[(3[1-6]|9[1-6])mbob`));

      tmux('send-keys', '-t', session, '-l', '/quit');
      tmux('send-keys', '-t', session, 'Enter');
      await bob.waitFor((e) => e.event === 'leave' && e.reason === 'quit', 'alice left');
      await poll(
        () => (spawnSync('tmux', ['has-session', '-t', session]).status !== 0 ? true : undefined),
        'the node to exit',
        15_000,
        () => 'still running',
      );
    },
  );

  it.skipIf(!hasTmux)('with NO_COLOR set, a terminal gets no escape sequences at all', async () => {
    const bob = await startNode('bob');
    const session = startInTmux(['0', 'alice', bob.address, '--host', '127.0.0.1'], {
      NO_COLOR: '1',
    });
    await until(session, 'bob joined', (text) => text.includes('* bob joined'));
    bob.send('plain please');
    await until(session, 'the message', (text) => text.includes('bob: plain please'));
    expect(screen(session, true)).not.toContain('\x1b[');
  });
});

describe('piped output', () => {
  it('has no escape sequences at all, even without NO_COLOR', async () => {
    const bob = await startNode('bob');
    const alice = await startNode('alice', [bob.address], {
      json: false,
      ready: false,
      env: { NO_COLOR: '' },
    });
    await poll(
      () => (alice.stdout.includes('* bob joined') ? true : undefined),
      'bob joined',
      15_000,
      () => alice.stdout,
    );
    bob.send('/me waves', 'hello');
    await poll(
      () => (alice.stdout.includes('bob: hello') ? true : undefined),
      'hello',
      15_000,
      () => alice.stdout,
    );
    expect(alice.stdout).toContain('* bob waves');
    expect(alice.stdout).not.toContain('\x1b');
  });
});
