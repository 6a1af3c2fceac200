#!/usr/bin/env node
// Kept tiny on purpose: everything heavy is imported inside the command that needs it.
import { run } from './program.js';

const { exitCode } = await run(process.argv.slice(2));
process.exitCode = exitCode;
