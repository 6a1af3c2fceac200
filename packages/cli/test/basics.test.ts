import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { EXAMPLES, runCli } from './cli.js';

const COMMANDS: [string[], string[]][] = [
  [['init'], ['--region', '--out', '--force']],
  [['validate'], ['--config', '--json']],
  [['render'], ['--config', '--out']],
  [['secret', 'create'], ['--name', '--region', '--write-config', 'never from the command line']],
  [['doctor'], ['--config']],
  [['synth'], ['--stacks', '--out']],
  [['diff'], ['--stacks', '--app']],
  [['deploy'], ['--stacks', '--yes']],
  [['destroy'], ['--stacks', '--yes']],
  [['outputs'], ['--config', '--json']],
];

describe('hpc-ha (the built binary)', () => {
  it('--help lists every command and the exit codes, exit 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const [cmd] of COMMANDS) expect(r.stdout).toContain(cmd[0]!);
    expect(r.stdout).toContain('Exit codes: 0 ok, 1 failure');
  });

  it.each(COMMANDS)('%s --help shows its flags, exit 0', async (cmd, flags) => {
    const r = await runCli([...cmd, '--help']);
    expect(r.code).toBe(0);
    for (const f of flags) expect(r.stdout).toContain(f);
    expect(r.stdout).toContain('--quiet');
  });

  it('an unknown command is a usage error (exit 2) with a suggestion', async () => {
    const r = await runCli(['valdate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'valdate'");
    expect(r.stderr).toContain('Did you mean validate?');
  });

  it('an unknown flag is a usage error (exit 2)', async () => {
    const r = await runCli(['validate', '--jsonn']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--jsonn'");
  });

  it('no command prints the help on stderr with exit 2', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: hpc-ha');
  });

  it('bin/hpc-ha.mjs (what npm links as `hpc-ha`) runs through its #! line and hands over to dist/bin.js', () => {
    const r = spawnSync(new URL('../bin/hpc-ha.mjs', import.meta.url).pathname, ['--version'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('--version prints the version, exit 0', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('colours only when asked (FORCE_COLOR), never with NO_COLOR or --no-color', async () => {
    const args = ['validate', '-c', `${EXAMPLES}/cn-north-1.yaml`];
    const colored = await runCli(args, { env: { FORCE_COLOR: '1' } });
    expect(colored.stdout).toContain('\x1b[32m✓');
    const noColor = await runCli(args, { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(noColor.stdout).not.toContain('\x1b[');
    const flag = await runCli(['--no-color', ...args], { env: { FORCE_COLOR: '1' } });
    expect(flag.stdout).not.toContain('\x1b[');
    const pipe = await runCli(args);
    expect(pipe.stdout).not.toContain('\x1b[');
    expect(pipe.code).toBe(0);
  });
});
