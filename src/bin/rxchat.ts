#!/usr/bin/env -S node --max-semi-space-size=4
import { main } from '../cli/main.js';

// The shebang caps V8's young generation at 4 MB a semi-space (the default grows to 16): under a
// flood of messages a member then stays ~25 MB smaller, at no measurable cost in throughput
// (docs/BENCHMARKS.md). `node dist/bin/rxchat.js` runs without it.

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Output is flushed and every link closed by now; do not let a stray handle keep us.
setTimeout(() => process.exit(code), 1000).unref();
