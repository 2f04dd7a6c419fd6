import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const EXAMPLE = fileURLToPath(new URL('../../examples/scripted-chat.mjs', import.meta.url));
const README = fileURLToPath(new URL('../../README.md', import.meta.url));

/** Times, ports and ids vary from run to run. */
function placeholders(text: string): string {
  return text
    .replace(/\b\d{2}:\d{2}:\d{2}\b/g, 'HH:MM:SS')
    .replace(/port \d+/g, 'port PORT')
    .replace(/\b[0-9a-f]{16}\b/g, 'ID')
    .trim();
}

describe('the scripted chat in examples/', () => {
  it('runs, exits 0, and prints the transcript the README shows', async () => {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [EXAMPLE], { timeout: 60_000 }, (error, out) =>
        error ? reject(error) : resolve(out),
      );
    });
    const readme = readFileSync(README, 'utf8');
    const shown =
      /<!-- example-transcript -->\n```\n([\s\S]*?)```\n<!-- \/example-transcript -->/.exec(
        readme,
      )?.[1];
    expect(shown).toBeDefined();
    expect(placeholders(stdout)).toBe(placeholders(shown ?? ''));
  });
});
