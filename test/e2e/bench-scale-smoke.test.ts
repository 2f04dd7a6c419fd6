import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCALE = fileURLToPath(new URL('../../dist-bench/scale.js', import.meta.url));

function runScale(out: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [SCALE, '--quick', `--out=${out}`], { timeout: 120_000 }, (error) =>
      error ? reject(error) : resolve(),
    );
  });
}

describe('the scale benchmark (a room of 4, so it cannot rot)', () => {
  it('measures every phase and writes its section in place, keeping the rest', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'rxchat-scale-')), 'BENCHMARKS.md');
    writeFileSync(out, '# Benchmarks\n\nkept above\n');
    await runScale(out);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^# Benchmarks\n\nkept above\n/);
    expect(text).toContain('## Scale: rooms of 4 members');
    // Each room twice: as rxchat links by default (4 members: a full mesh all the same), and
    // with --links all. Formation and idle: connected, fully linked (all 6 links; the default's
    // links are those open), CPU, RSS, frames and bytes per second.
    expect(text).toMatch(
      /\| 4, full mesh \| [\d,]+ ms \| [\d,]+ ms \| 6 of 6 \| [\d.]+ \([\d.]+–[\d.]+\) \| [\d.]+ \([\d.]+–[\d.]+\) \| [\d.]+ \| [\d,]+ \|/,
    );
    expect(text).toMatch(/\| 4, bounded \| [\d,]+ ms \| – \| 6 of 6 \| [\d.]+ \(/);
    // Chat: 3 senders (all but the first) × 10 lines, none missing or shown twice, one copy each.
    for (const linking of ['bounded', 'full mesh'])
      expect(text).toMatch(
        new RegExp(
          `\\| 4, ${linking} \\| 30 \\(3\\) \\| [\\d.]+ / [\\d.]+ \\| [\\d.]+ \\| 0 / 0 \\| [\\d.]+ \\| [\\d,]+ \\| [\\d.]+ / [\\d,]+ \\| 1\\.00 \\|`,
        ),
      );
    // The join (connected, then linked with all; frames and bytes; the lines replayed to it) and
    // the kill (shown lost by all 4 members linked with it).
    for (const linking of ['bounded', 'full mesh'])
      expect(text).toMatch(
        new RegExp(
          `\\| 4, ${linking} \\| [\\d,]+ ms \\| [\\d,]+ ms \\| [\\d,]+ / [\\d,]+ \\| [\\d,]+ \\| [\\d.]+ \\| [\\d,]+ ms \\(its 4 links\\) \\|`,
        ),
      );
    // A second run replaces the section instead of adding another.
    await runScale(out);
    const again = readFileSync(out, 'utf8');
    expect(again.split('## Scale:').length).toBe(2);
    expect(again).toMatch(/^# Benchmarks\n\nkept above\n/);
  }, 240_000);
});
