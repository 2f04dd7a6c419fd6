/**
 * The room secret comes from the environment (RXCHAT_SECRET) or a file
 * (--secret-file), never from a plain command-line value, which other users of
 * the machine can read in the process list.
 */
export type SecretResult =
  | { readonly kind: 'open' }
  | { readonly kind: 'closed'; readonly secret: Buffer }
  | { readonly kind: 'error'; readonly message: string };

export function resolveSecret(
  fromEnv: string | undefined,
  secretFile: string | undefined,
  readFile: (path: string) => Buffer,
): SecretResult {
  if (fromEnv !== undefined && secretFile !== undefined) {
    return {
      kind: 'error',
      message: 'give the room secret once: RXCHAT_SECRET or --secret-file, not both',
    };
  }
  if (secretFile !== undefined) {
    let bytes: Buffer;
    try {
      bytes = readFile(secretFile);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      return { kind: 'error', message: `cannot read the secret file ${secretFile} (${code})` };
    }
    // One trailing line end is not part of the secret (`echo s3cret > file`).
    const end = bytes.at(-1) === 0x0a ? (bytes.at(-2) === 0x0d ? 2 : 1) : 0;
    const secret = bytes.subarray(0, bytes.length - end);
    if (secret.length === 0)
      return { kind: 'error', message: `the secret file ${secretFile} is empty` };
    return { kind: 'closed', secret };
  }
  if (fromEnv !== undefined) {
    if (fromEnv === '') return { kind: 'error', message: 'RXCHAT_SECRET is set but empty' };
    return { kind: 'closed', secret: Buffer.from(fromEnv, 'utf8') };
  }
  return { kind: 'open' };
}
