/**
 * `@hpc-ha/cli`: the `hpc-ha` command. The binary is `dist/bin.js`; these exports let other tools run the same
 * commands in-process and reuse the pieces that are pure.
 */
export { run, buildProgram, type RunResult } from './program.js';
export { CliError, EXIT_OK, EXIT_FAILURE, EXIT_USAGE, type ExitCode } from './exit.js';
export { checkPasswordStrength } from './password.js';
export { setYamlValue } from './yaml-edit.js';
export { renderInitConfig, type InitAnswers } from './init-template.js';
export { runDoctor, type DoctorClients, type CheckResult } from './doctor/checks.js';
export { createUi, type Ui } from './ui.js';
