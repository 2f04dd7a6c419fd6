#!/usr/bin/env node
import { main } from '../cli/main.js';

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Output is flushed and every link closed by now; do not let a stray handle keep us.
setTimeout(() => process.exit(code), 1000).unref();
