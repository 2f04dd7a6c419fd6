import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const RUN = fileURLToPath(new URL('../../dist-bench/run.js', import.meta.url));

describe('the benchmark harness (tiny sizes, so it cannot rot)', () => {
  it('runs every workload and writes the table', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'rxchat-bench-')), 'BENCHMARKS.md');
    await new Promise<void>((resolve, reject) => {
      execFile(process.execPath, [RUN, '--quick', `--out=${out}`], { timeout: 90_000 }, (error) =>
        error ? reject(error) : resolve(),
      );
    });
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/\| fan-out: 200 lines .* msg\/s per receiver \|/);
    expect(text).toMatch(/\| mesh formation: 4 nodes/);
    expect(text).toMatch(/\| SIGSTOP of one of 3 members/);
  });
});
