import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string): string => readFileSync(`${root}${path}`, 'utf8');
const filesIn = (dir: string): string[] =>
  readdirSync(`${root}${dir}`)
    .filter((name) => name.endsWith('.ts'))
    .map((name) => `${dir}/${name}`);

describe('docs/ARCHITECTURE.md matches the tree', () => {
  const doc = read('docs/ARCHITECTURE.md');
  const named = new Set([...doc.matchAll(/`(src\/[\w./-]+)`/g)].map((match) => match[1] ?? ''));

  it('every file or folder it names exists', () => {
    expect(named.size).toBeGreaterThan(40);
    for (const path of named) expect(existsSync(`${root}${path}`), path).toBe(true);
  });

  it('names every file of the core and the edges, so each rule is one hop away', () => {
    for (const file of [...filesIn('src/core'), ...filesIn('src/io'), 'src/node.ts'])
      expect(named.has(file), `${file} is in docs/ARCHITECTURE.md`).toBe(true);
    for (const dir of ['src/protocol/', 'src/render/', 'src/cli/'])
      expect(named.has(dir), dir).toBe(true);
  });
});

describe("the README's layout matches the tree", () => {
  const readme = read('README.md');
  const layout = /Layout:\s*```\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const listed = layout
    .split('\n')
    .map((line) => line.split(/\s+/)[0] ?? '')
    .filter((path) => path !== '');

  it('every path it lists exists', () => {
    expect(listed.length).toBeGreaterThan(8);
    for (const path of listed) expect(existsSync(`${root}${path}`), path).toBe(true);
  });

  it('lists every folder of src/ and test/', () => {
    for (const top of ['src', 'test']) {
      const dirs = readdirSync(`${root}${top}`, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => `${top}/${entry.name}/`);
      for (const dir of dirs)
        expect(
          listed.some((path) => path.startsWith(dir)),
          `${dir} in the README layout`,
        ).toBe(true);
    }
  });
});
