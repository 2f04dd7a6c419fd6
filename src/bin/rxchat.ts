#!/usr/bin/env -S node --max-semi-space-size=2 --v8-pool-size=1
import { main } from '../cli/main.js';

// The shebang keeps a member small: V8's young generation at 2 MB a semi-space (the default grows
// to 16) and one V8 worker thread instead of four. Under a flood a member peaks ~110 MB instead of
// up to ~155, idle ~1 MB lower, at the same W1 rate (docs/BENCHMARKS.md). `node dist/bin/rxchat.js`
// runs without them.

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Output is flushed and every link closed by now; do not let a stray handle keep us.
setTimeout(() => process.exit(code), 1000).unref();
