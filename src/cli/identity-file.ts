import type { Stats } from 'node:fs';
import type { Identity } from '../core/identity.js';
import { identityFromPem, newPrivateKeyPem } from '../io/identity.js';

export interface IdentityFs {
  stat(path: string): Stats | undefined;
  read(path: string): string;
  /** Creates the file with mode 0600; fails if it exists. */
  create(path: string, text: string): void;
}

export type IdentityResult =
  | { readonly kind: 'ok'; readonly identity: Identity }
  | { readonly kind: 'error'; readonly message: string };

/**
 * --identity <file>: the node's Ed25519 key, kept across restarts so its id
 * stays the same. Created (mode 0600) when missing; refused when others can
 * read or write it, or when it holds no Ed25519 key.
 */
export function loadIdentity(path: string, fs: IdentityFs): IdentityResult {
  const stats = fs.stat(path);
  if (stats === undefined) {
    try {
      fs.create(path, newPrivateKeyPem());
    } catch (error) {
      return {
        kind: 'error',
        message: `cannot create the identity file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      };
    }
  } else if ((stats.mode & 0o077) !== 0) {
    const mode = (stats.mode & 0o777).toString(8).padStart(4, '0');
    return {
      kind: 'error',
      message: `the identity file ${path} has mode ${mode}: others can read it; run chmod 600 ${path}`,
    };
  }
  try {
    return { kind: 'ok', identity: identityFromPem(fs.read(path)) };
  } catch (error) {
    return {
      kind: 'error',
      message: `the identity file ${path} holds no usable Ed25519 private key (${(error as Error).message})`,
    };
  }
}
