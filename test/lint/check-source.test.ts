import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/check-source.mjs', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs the check on a src/ made of these files; its exit code and what it printed. */
function checkSource(files: Readonly<Record<string, string>>): { code: number; out: string } {
  const root = mkdtempSync(join(tmpdir(), 'check-source-'));
  dirs.push(root);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, 'src'), { recursive: true });
    writeFileSync(join(root, 'src', name), text);
  }
  const run = spawnSync(process.execPath, [script], { cwd: root, encoding: 'utf8' });
  return { code: run.status ?? -1, out: run.stdout + run.stderr };
}

describe('scripts/check-source.mjs: no module-level mutable state in src/', () => {
  it('passes constants, readonly collections, frozen and unwritten literals, closures', () => {
    const result = checkSource({
      'ok.ts': [
        "const KNOWN: ReadonlySet<string> = new Set(['a']);",
        "const NAMES: readonly string[] = ['a'];",
        'const LIMITS = { max: 1 } as const;',
        'const TABLE = Object.freeze({ a: 1 });',
        'const PALETTE = [31, 32];',
        'export function make() {',
        '  let count = 0;',
        '  const seen = new Map<string, number>();',
        '  return () => seen.set(String(++count), PALETTE.length);',
        '}',
      ].join('\n'),
    });
    expect(result).toEqual({
      code: 0,
      out: 'check-source: no module-level mutable state in src\n',
    });
  });

  it('fails on top-level let and var, collections, and literals written to', () => {
    const result = checkSource({
      'bad.ts': [
        'let last: string | undefined;',
        'var count = 0;',
        'const cache = new Map<string, number>();',
        'const ids = new WeakMap<object, string>();',
        'const queue: string[] = [];',
        'export const state = { n: 0 };',
        'export function f(): void {',
        "  queue.push('x');",
        '}',
      ].join('\n'),
      'other.ts': "import { state } from './bad.js';\nstate.n++;\n",
    });
    expect(result.code).toBe(1);
    expect(result.out.split('\n').slice(0, 6)).toEqual([
      'src/bad.ts:1: "last": module-level mutable state, top-level let',
      'src/bad.ts:2: "count": module-level mutable state, top-level var',
      'src/bad.ts:3: "cache": module-level mutable state, a mutable collection or subject',
      'src/bad.ts:4: "ids": module-level mutable state, a mutable collection or subject',
      'src/bad.ts:5: "queue": module-level mutable state, a literal written to (in src/bad.ts)',
      'src/bad.ts:6: "state": module-level mutable state, a literal written to (in src/other.ts)',
    ]);
  });
});
