import { createHash, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import type { Summary } from './harness.js';
import { fmt, summarise } from './harness.js';
import type { YardstickRow } from './yardstick.js';
import { YARDSTICK_SYSTEMS } from './yardstick.js';

/** A target as the report lists it. */
export interface Target {
  readonly what: string;
  readonly aim: string;
  readonly measured: string;
  readonly ok: boolean;
}

const n = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * Microseconds to sign one ~300-byte text and verify it as rxchat does
 * (Ed25519 over its SHA-256 digest, the public key parsed once): median of 2,000.
 */
export function signAndVerifyUs(): number {
  const { privateKey } = generateKeyPairSync('ed25519');
  const publicKey = createPublicKey(privateKey);
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  const times: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const text = `rxchat-chat-v2\n${'x'.repeat(280)}\n${i}`;
    const start = performance.now();
    const signature = sign(null, digest(text), privateKey);
    verify(null, digest(text), publicKey, signature);
    times.push((performance.now() - start) * 1000);
  }
  return summarise(times).median;
}

const cell = (s: Summary | undefined, digits = 0): string =>
  s === undefined ? '–' : fmt(s, digits);
/** A ratio, or why there is none (a system whose every run failed has no figure). */
const times = (ratio: number): string =>
  Number.isFinite(ratio) ? `${n(ratio, 2)}×` : 'not measured';

/** A target whose figures are all there; else one that says it was not measured (and is not met). */
function target(
  what: string,
  aim: string,
  values: readonly number[],
  measured: () => string,
  ok: () => boolean,
): Target {
  const all = values.every((v) => Number.isFinite(v));
  return { what, aim, measured: all ? measured() : 'not measured (failed runs)', ok: all && ok() };
}

/** The yardstick's section of the report and the targets it measures; or why it did not run. */
export function yardstickReport(
  result:
    | { readonly rows: readonly YardstickRow[]; readonly rounds: number }
    | { readonly skipped: string },
  signVerifyUs: number,
): { readonly section: string; readonly targets: readonly Target[] } {
  if ('skipped' in result)
    return {
      section: `## The yardstick\n\nNot run: ${result.skipped} (\`$RXCHAT_YARDSTICK\` names its folder). Its columns are left out.\n`,
      targets: [],
    };
  const [raw, fake, baseline, short, rxchat] = YARDSTICK_SYSTEMS.map((system) =>
    result.rows.find((row) => row.label === system.label),
  );
  const med = (row: YardstickRow | undefined, pick: (r: YardstickRow) => Summary | undefined) =>
    row === undefined ? Number.NaN : (pick(row)?.median ?? Number.NaN);
  const rate = (row: YardstickRow | undefined) => med(row, (r) => r.w1);
  const rows = result.rows.map(
    (row) =>
      `| ${row.label} | ${cell(row.w1)} | ${times(rate(row) / rate(fake))} | ${cell(row.w2p50)} | ${cell(row.w2p99)} | ${cell(row.rss, 1)} | ${row.failed} |`,
  );
  const p50 = (row: YardstickRow | undefined) => med(row, (r) => r.w2p50);
  const p99 = (row: YardstickRow | undefined) => med(row, (r) => r.w2p99);
  const limit = Math.max(rate(fake), rate(baseline));
  const allowed = 1.25 * p50(fake) + signVerifyUs;
  const targets: Target[] = [
    target(
      'yardstick W1: the baseline (`--short`, the same fields) against the yardstick’s JSON mesh',
      '≥ 1×',
      [rate(short), rate(fake), rate(baseline)],
      () =>
        `${times(rate(short) / rate(fake))} (full rxchat events: ${times(rate(baseline) / rate(fake))})`,
      () => rate(short) >= rate(fake),
    ),
    target(
      'yardstick W1: rxchat against the JSON-printing limit (the faster of the yardstick’s mesh and the baseline)',
      '≥ 0.8×',
      [rate(rxchat), limit],
      () => times(rate(rxchat) / limit),
      () => rate(rxchat) >= 0.8 * limit,
    ),
    target(
      'yardstick W1: rxchat against the plain-text limit',
      '≥ 0.5×',
      [rate(rxchat), rate(raw)],
      () => times(rate(rxchat) / rate(raw)),
      () => rate(rxchat) >= 0.5 * rate(raw),
    ),
    target(
      `yardstick W2 p50: rxchat against 1.25 × the JSON mesh’s p50 plus one sign and verify (${n(signVerifyUs)} µs)`,
      Number.isFinite(allowed) ? `≤ ${n(allowed)} µs` : '≤ 1.25× + one sign and verify',
      [p50(rxchat), allowed],
      () => `${n(p50(rxchat))} µs`,
      () => p50(rxchat) <= allowed,
    ),
    target(
      'yardstick W2 p99: rxchat against the JSON mesh’s',
      '≤ 2×',
      [p99(rxchat), p99(fake)],
      () => times(p99(rxchat) / p99(fake)),
      () => p99(rxchat) <= 2 * p99(fake),
    ),
  ];
  const section = `## The yardstick

Measured by the reference harness (\`bench.py\` of \`$RXCHAT_YARDSTICK\`, by default
\`../shared/yardstick\`): its own Python harness, through stdin and stdout only, on the same machine in
the same session as the rest. W1: 50,000 numbered 60-byte lines written at once to alice, until bob
and carol printed all, every line checked intact and in order (per receiver: the slower of the two);
W2: one line every 5 ms, receive minus send at bob, in µs. A run that fails bench.py's own checks
(a line lost, garbled or out of order; W1 incomplete; W2 short of lines) is left out and counted
in the last column. (bench.py starts its plain-text mesh with the \`node\` on the \`PATH\`; the
others run on the Node that runs the bench. It runs no plain-text mesh but its own, so W1 below
runs that mesh (\`raw-node-mesh.mjs\`) in this project's harness, paired with the plain baseline,
and the plain-text limit here is the yardstick's mesh.) ${result.rounds} rounds, each running every system
once per workload, in turn; median and min–max over the rounds. One Ed25519 sign and verify of a
~300-byte text here takes ${n(signVerifyUs)} µs (median of 2,000).

The yardstick's JSON mesh prints \`message\` events of \`event\`, \`from\` and \`text\`; rxchat's carry
eight fields (about 2.3× the bytes), and so does the baseline's unless \`--short\`.

| system | W1 msg/s per receiver | vs the yardstick's JSON mesh | W2 p50 µs | W2 p99 µs | peak RSS MiB (W1) | runs left out |
|---|---|---|---|---|---|---|
${rows.join('\n')}
`;
  return { section, targets };
}
