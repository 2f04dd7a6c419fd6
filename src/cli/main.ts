import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { runNode } from '../node.js';
import { EXIT } from './options.js';
import { parseArgs } from './parse-args.js';
import { resolveSecret } from './room-secret.js';

function packageVersion(): string {
  const url = new URL('../../package.json', import.meta.url);
  const parsed: unknown = JSON.parse(readFileSync(url, 'utf8'));
  const version =
    typeof parsed === 'object' && parsed !== null
      ? (parsed as { version?: unknown }).version
      : undefined;
  return typeof version === 'string' ? version : '0.0.0';
}

/** The whole program: arguments in, exit code out. */
export async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv, packageVersion());
  switch (parsed.kind) {
    case 'help':
    case 'version':
      process.stdout.write(parsed.text);
      return EXIT.ok;
    case 'error':
      process.stderr.write(
        `rxchat: ${parsed.message}\nUsage: rxchat <port> <username> [host:port ...]  (rxchat --help)\n`,
      );
      return EXIT.usage;
    case 'run': {
      const room = resolveSecret(process.env.RXCHAT_SECRET, parsed.options.secretFile, (path) =>
        readFileSync(path),
      );
      if (room.kind === 'error') {
        process.stderr.write(`rxchat: ${room.message}\n`);
        return EXIT.usage;
      }
      const options =
        room.kind === 'closed' ? { ...parsed.options, secret: room.secret } : parsed.options;
      return runNode(options, {
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
        signals: process,
        env: process.env,
        clock: Date.now,
        newId: () => randomBytes(8).toString('hex'),
        newIncarnation: () => randomBytes(4).toString('hex'),
        seed: randomBytes(4).readUInt32LE(0),
        exitNow: (code) => process.exit(code),
      });
    }
  }
}
