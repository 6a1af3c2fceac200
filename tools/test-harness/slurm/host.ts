import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Every wait of a command the rehearsal runs is bounded; this is the default bound. */
export const COMMAND_TIMEOUT_MS = 30_000;

const SEARCH_DIRS = ['/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/local/sbin', '/usr/local/bin'];

/** Absolute path of a program in the system directories, or undefined. */
export function which(name: string): string | undefined {
  for (const dir of SEARCH_DIRS) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** What the rehearsal runs: Debian's munge, slurmctld, slurmd and slurm-client, plus util-linux and shadow tools. */
export const REHEARSAL_PROGRAMS = [
  'munged', 'munge', 'unmunge',
  'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scancel', 'scontrol', 'sinfo',
  'unshare', 'setpriv', 'mount', 'useradd', 'userdel', 'getent',
] as const;

/** The programs of {@link REHEARSAL_PROGRAMS} that are missing, plus `root` when not running as root. */
export function rehearsalMissing(): string[] {
  const missing: string[] = REHEARSAL_PROGRAMS.filter((p) => !which(p));
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) missing.push('root (namespaces, setpriv, useradd)');
  return missing;
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Milliseconds the command took. */
  ms: number;
  timedOut: boolean;
}

/** spawnSync with a bound: a command that outlives `timeoutMs` is killed and reported as timed out. */
export function run(
  command: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs?: number } = {},
): RunResult {
  const started = Date.now();
  const r: SpawnSyncReturns<string> = spawnSync(command, [...args], {
    encoding: 'utf8',
    env: opts.env ?? { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' },
    cwd: opts.cwd,
    input: opts.input,
    timeout: opts.timeoutMs ?? COMMAND_TIMEOUT_MS,
    killSignal: 'SIGKILL',
  });
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ms: Date.now() - started, timedOut };
}

/** Runs a command and throws with its output when it fails. */
export function mustRun(command: string, args: readonly string[], opts: Parameters<typeof run>[2] = {}): RunResult {
  const r = run(command, args, opts);
  if (r.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (status ${r.status}${r.timedOut ? ', timed out' : ''}):\n${r.stdout}${r.stderr}`);
  }
  return r;
}

export interface Account {
  name: string;
  uid: number;
  gid: number;
}

/** The passwd entry of an account of this host, or undefined. */
export function account(name: string): Account | undefined {
  const r = run('getent', ['passwd', name]);
  if (r.status !== 0) return undefined;
  const [, , uid, gid] = r.stdout.trim().split(':');
  return { name, uid: Number(uid), gid: Number(gid) };
}

/**
 * Creates the unprivileged user the rehearsal submits jobs as (no home, no login shell). A user of that name left
 * by a run that was killed is removed first. The name must be unique to the caller: other helpers share the host.
 */
export function createTestUser(name: string): Account {
  if (!/^hpcha[a-z0-9]{3,20}$/.test(name)) throw new Error(`test user name ${name} must look like hpcha<suffix>, unique to its suite`);
  if (account(name)) removeTestUser(name);
  mustRun('useradd', ['--no-create-home', '--user-group', '--shell', '/usr/sbin/nologin', name]);
  const created = account(name);
  if (!created) throw new Error(`useradd ${name} succeeded but getent does not find it`);
  return created;
}

/** Removes the test user and its group; a no-op when it does not exist. */
export function removeTestUser(name: string): void {
  if (!account(name)) return;
  mustRun('userdel', [name]);
}
