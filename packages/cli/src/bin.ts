#!/usr/bin/env node
// Kept tiny on purpose: everything heavy is imported inside the command that needs it.
import { run } from './program.js';

// A reader that stops early (`hpc-ha validate | head -1`) closes the pipe: that ends the output, not the program
// with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
}

const { exitCode } = await run(process.argv.slice(2));
process.exitCode = exitCode;
