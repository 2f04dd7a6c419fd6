#!/usr/bin/env -S node --max-semi-space-size=2 --v8-pool-size=1
/**
 * rxchat with signing and verification switched off (every signature is a
 * placeholder and accepted), everything else unchanged: what the benchmark
 * compares signed W1 against. Only for measuring; every member must run it.
 * Node options as in the rxchat bin (the harness passes what the shebang names).
 */

/** The parts of the node's identity (src/core/identity.ts) this replaces. */
interface Identity {
  readonly sign: (text: string) => string;
  readonly verify: (key: string, text: string, signature: string) => boolean;
}

interface Built {
  main(argv: readonly string[], makeIdentity: () => Identity): Promise<number>;
}

const { main } = (await import(new URL('../dist/cli/main.js', import.meta.url).href)) as Built;
const { freshIdentity } = (await import(
  new URL('../dist/io/identity.js', import.meta.url).href
)) as {
  freshIdentity: () => Identity;
};

const code = await main(process.argv.slice(2), () => ({
  ...freshIdentity(),
  sign: () => 'unsigned',
  verify: () => true,
}));
process.exitCode = code;
setTimeout(() => process.exit(code), 1000).unref();
