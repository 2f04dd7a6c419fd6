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
    // W1 for rxchat and both baselines, with rates and the ratio to the JSON baseline.
    for (const build of [
      'rxchat \\(signed, the default\\)',
      'baseline, JSON events',
      'baseline, plain text',
    ])
      expect(text).toMatch(
        new RegExp(`\\| ${build} \\| [\\d,]+ ms \\(.*\\) \\| [\\d,]+ \\(.*\\) \\| [\\d.]+× \\|`),
      );
    expect(text).toMatch(/\| rxchat without signatures \|/);
    // W2 percentiles, W3 sizes, W4 memory and idle CPU, and the targets table.
    expect(text).toMatch(
      /## W2 latency[\s\S]*\| rxchat \(signed, the default\) \| [\d.]+ \| [\d.]+ \| [\d.]+ \|/,
    );
    expect(text).toMatch(/\| 4 \| [\d,]+ ms/);
    expect(text).toMatch(/\| idle, three linked members, highest of the three \| [\d.]+ MB/);
    // W4 idle CPU: a row per build, ms of CPU per second per member.
    expect(text).toMatch(
      /## W4 memory and idle CPU[\s\S]*\| build \| ms of CPU per second per member \|\n\|---\|---\|\n\| rxchat \(signed, the default\) \| [\d.]+ \([\d.]+–[\d.]+\) \|/,
    );
    expect(text).toMatch(
      /\| W4: peak RSS of an idle member \| < 50 MB \| [\d.]+ MB \| (met|\*\*not met\*\*) \|/,
    );
    expect(text).toMatch(/\| SIGSTOP of one of 3 members/);
    // Idle CPU in a larger room, per linked member, and its target.
    expect(text).toMatch(
      /\| N \| ms of CPU per second per linked member \|\n\|---\|---\|\n\| 4 \| [\d.]+ \(/,
    );
    expect(text).toMatch(
      /\| W4: idle CPU of a member of 4, per member it is linked with \| ≤ 2 ms per second \|/,
    );
    // The reference harness never runs in the smoke test (it needs python3); the report says so.
    expect(text).toContain('## The yardstick\n\nNot run: not run with --quick (the smoke test)');
    // Frame sizes: a line, a burst and a have, fresh and after the churn, each in bytes.
    for (const when of ['fresh', 'after 2 restarts'])
      expect(text).toMatch(
        new RegExp(
          `## Frame sizes[\\s\\S]*\\| 3 \\| one line \\| ${when} \\| [\\d,]+ bytes \\|\\n\\| 3 \\| 20-line burst \\| ${when} \\| [\\d,]+ bytes in \\d+ frames? \\|\\n\\| 3 \\| \`have\` \\| ${when} \\| [\\d,]+ bytes \\|`,
        ),
      );
    expect(text).toMatch(/The probe spoke protocol v\d+ with this build\./);
    // The probe's other use: the metadata in a live frame.
    expect(text).toMatch(
      /\| causal and signature metadata .* \| \d+ bytes per frame, \d+ of them metadata \|/,
    );
  });
});
