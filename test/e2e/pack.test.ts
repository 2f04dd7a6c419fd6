import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { poll } from '../helpers/node-process.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const folders: string[] = [];
const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('installed from a packed tarball, outside the clone', () => {
  it('npm pack, npm install in an empty folder, then npx rxchat: the version and a two-node chat', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'rxchat-install-'));
    folders.push(folder);
    // The build is there already (npm test builds first): pack it as it is.
    const packed = await run(npm, ['pack', '--ignore-scripts', '--pack-destination', folder], {
      cwd: root,
    });
    const tarball = join(folder, packed.stdout.trim().split('\n').at(-1) ?? '');
    const app = join(folder, 'app');
    mkdirSync(app);
    // An empty project of its own, so npm installs into it and nowhere above.
    await run(npm, ['init', '-y'], { cwd: app });
    await run(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], {
      cwd: app,
    });
    const version = await run('npx', ['--no-install', 'rxchat', '--version'], { cwd: app });
    expect(version.stdout).toMatch(/^rxchat \d+\.\d+\.\d+/);

    const bin = join(app, 'node_modules', '.bin', 'rxchat');
    const alice = spawn(bin, ['0', 'alice', '--host', '127.0.0.1', '--json'], { cwd: app });
    children.push(alice);
    let out = '';
    alice.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    const port = await poll(
      () => /"event":"ready","v":\d+,"port":(\d+)/.exec(out)?.[1],
      'alice ready',
      15_000,
      () => out,
    );
    const bob = spawn(bin, ['0', 'bob', `127.0.0.1:${port}`, '--host', '127.0.0.1'], { cwd: app });
    children.push(bob);
    bob.stdin.end('hello from the tarball\n');
    await poll(
      () => (out.includes('"text":"hello from the tarball"') ? true : undefined),
      "bob's line at alice",
      15_000,
      () => out,
    );
  });
});
