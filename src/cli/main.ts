import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { Identity } from '../core/identity.js';
import { freshDirectBox } from '../io/direct-box.js';
import { freshIdentity } from '../io/identity.js';
import { runNode } from '../node.js';
import { loadIdentity } from './identity-file.js';
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

/**
 * The whole program: arguments in, exit code out. `makeIdentity` makes the
 * key pair of a node started without `--identity`.
 */
export async function main(
  argv: readonly string[],
  makeIdentity: () => Identity = freshIdentity,
): Promise<number> {
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
      const loaded =
        options.identityFile === undefined
          ? ({ kind: 'ok', identity: makeIdentity() } as const)
          : loadIdentity(options.identityFile, {
              stat: (path) => (existsSync(path) ? statSync(path) : undefined),
              read: (path) => readFileSync(path, 'utf8'),
              create: (path, text) => writeFileSync(path, text, { mode: 0o600, flag: 'wx' }),
            });
      if (loaded.kind === 'error') {
        process.stderr.write(`rxchat: ${loaded.message}\n`);
        return EXIT.usage;
      }
      return runNode(options, {
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
        signals: process,
        env: process.env,
        identity: loaded.identity,
        newIncarnation: () => randomBytes(4).toString('hex'),
        newDirectBox: freshDirectBox,
        seed: randomBytes(4).readUInt32LE(0),
      });
    }
  }
}
