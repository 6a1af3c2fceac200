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
// The command is over: a keep-alive socket or an SDK request timer left behind by a failed call (the toolkit's
// clients arm a 5-minute one) must not keep the process alive. Exit once what was written has been flushed.
const flushed = (s: NodeJS.WriteStream) => new Promise<void>((resolve) => (s.writableLength === 0 ? resolve() : s.write('', () => resolve())));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(exitCode);
