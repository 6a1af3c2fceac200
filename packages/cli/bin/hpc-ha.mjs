#!/usr/bin/env node
// What npm links as `hpc-ha`. It is committed (npm only links a bin that exists at install time) and hands over
// to the compiled program, which exists once `npx nx run cli:build` (or any build of the workspace) has run.
import { existsSync } from 'node:fs';

const program = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(program)) {
  process.stderr.write('hpc-ha is not built yet: run `npx nx run cli:build` in the repository first\n');
  process.exit(1);
}
await import(program.href);
