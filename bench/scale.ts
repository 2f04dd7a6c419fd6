import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, freemem, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { scaleSection } from './scale-report.js';
import type { Linking, ScalePlan, ScaleResult } from './scale-room.js';
import { measureRoom } from './scale-room.js';

/**
 * `npm run bench:scale`: rooms of 25, 50 and 100 members on this machine, each
 * run once bounded (the default) and once as a full mesh (`--links all`),
 * every member a real process on 127.0.0.1; writes its section of
 * docs/BENCHMARKS.md (between its markers, which `npm run bench` keeps).
 *
 *   --quick         a room of 4, short phases (the smoke test)
 *   --sizes=<list>  other room sizes, comma-separated
 *   --out=<file>    write there instead of docs/BENCHMARKS.md
 */

const quick = process.argv.includes('--quick');
const option = (name: string): string | undefined =>
  process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);

function refuse(why: string): never {
  process.stderr.write(`bench:scale: ${why}\n`);
  process.exit(2);
}

const sizes = (option('sizes') ?? (quick ? '4' : '25,50,100')).split(',').map((word) => {
  const size = Number(word);
  if (!Number.isInteger(size) || size < 3 || size > 200)
    refuse(`--sizes: ${word} is not a room size from 3 to 200`);
  return size;
});

const plan: ScalePlan = quick
  ? {
      settleMs: 200,
      idleMs: 1000,
      senders: 5,
      chatMs: 1000,
      everyMs: 100,
      connectTimeoutMs: 30_000,
      phaseTimeoutMs: 30_000,
    }
  : {
      settleMs: 2000,
      idleMs: 10_000,
      senders: 5,
      chatMs: 10_000,
      everyMs: 100,
      connectTimeoutMs: 120_000,
      phaseTimeoutMs: 60_000,
    };

/** A member takes up to ~100 MB (peak RSS after a burst, see W4): a room the memory cannot hold is skipped. */
const MB_PER_MEMBER = 100;

async function main(): Promise<void> {
  // The rooms are open, so the counted bytes are the wire's: a secret in the environment is not passed on.
  delete process.env.RXCHAT_SECRET;
  const started = performance.now();
  const results: ScaleResult[] = [];
  const rooms = sizes.flatMap((size) =>
    (['bounded', 'full mesh'] as const).map((linking: Linking) => ({ size, linking })),
  );
  for (const { size, linking } of rooms) {
    const needMb = (size + 1) * MB_PER_MEMBER;
    const freeMb = freemem() / 2 ** 20;
    if (freeMb < needMb) {
      results.push({
        size,
        linking,
        notConnected: `not run: ${size + 1} members need ~${needMb.toLocaleString('en-US')} MB, ${Math.round(freeMb).toLocaleString('en-US')} MB free`,
      });
      continue;
    }
    process.stderr.write(`bench:scale: a room of ${size}, ${linking}\n`);
    // A room whose phase failed is reported as such; the rooms before and after still count.
    results.push(
      await measureRoom(size, plan, linking).catch((error: unknown) => ({
        size,
        linking,
        notConnected: `not measured: ${error instanceof Error ? error.message : String(error)}`,
      })),
    );
  }
  const minutes = (performance.now() - started) / 60_000;
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const machine = `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB; Node.js ${process.version}; ${new Date().toISOString().slice(0, 10)}`;
  const section = scaleSection(results, plan, machine, minutes);
  const out = option('out') ?? fileURLToPath(new URL('../docs/BENCHMARKS.md', import.meta.url));
  writeFileSync(out, withSection(readOr(out), section));
  process.stdout.write(section);
}

function readOr(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

export const SCALE_BEGIN = '<!-- scale: written by npm run bench:scale -->';
export const SCALE_END = '<!-- /scale -->';

/** The report with the scale section put in its place (or at the end, the first time). */
function withSection(report: string, section: string): string {
  const block = `${SCALE_BEGIN}\n${section}\n${SCALE_END}`;
  const begin = report.indexOf(SCALE_BEGIN);
  const end = report.indexOf(SCALE_END);
  if (begin !== -1 && end > begin)
    return report.slice(0, begin) + block + report.slice(end + SCALE_END.length);
  return `${report.trimEnd()}\n\n${block}\n`;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:scale: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
