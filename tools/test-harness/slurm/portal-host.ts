import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, type Account, type RunResult } from './host.js';

/**
 * A portal node's view of this host, for Slurm client commands: a private mount namespace in which /etc/passwd and
 * /etc/group hold only the accounts a portal node has (root, munge, the portal's efadmin/efnobody and the test
 * user: no `slurm`, no other system users) and /run is the portal's own, so /run/munge/munge.socket.2 is the portal's
 * munged, exactly where a Slurm client looks by default. Nothing is mounted outside the namespace.
 */
export interface PortalHost {
  /** The portal node's root directory (HPC_HA_SYSROOT of its bootstrap). */
  root: string;
  /** `<root>/run/munge`: where the portal's munged puts its socket (owned by munge, as systemd's RuntimeDirectory). */
  mungeRunDir: string;
  /** Runs argv in the portal's view, as root or, with `user`, as that unprivileged account (setpriv, no groups). */
  /** `input` is fed to stdin (Open OnDemand's Slurm adapter gives sbatch the job script that way). */
  run(argv: readonly string[], opts?: { user?: Account; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; input?: string }): RunResult;
  /** Runs a bash script as root in a private mount namespace with the host's users (for the bootstrap's own steps). */
  runScript(file: string, opts: { env: NodeJS.ProcessEnv; timeoutMs?: number }): RunResult;
}

/** The portal accounts of CONTRACTS.md (efadmin 5000, efnobody 5001), as the portal bootstrap creates them. */
export const PORTAL_ACCOUNTS: readonly Account[] = [
  { name: 'efadmin', uid: 5000, gid: 5000 },
  { name: 'efnobody', uid: 5001, gid: 5001 },
];

export function portalHost(root: string, opts: { munge: Account; users: readonly Account[] }): PortalHost {
  const view = join(root, '.portal-view');
  const mungeRunDir = join(root, 'run', 'munge');
  mkdirSync(view, { recursive: true });
  mkdirSync(mungeRunDir, { recursive: true, mode: 0o755 });
  chownSync(mungeRunDir, opts.munge.uid, opts.munge.gid);
  const accounts = [{ name: 'root', uid: 0, gid: 0 }, opts.munge, ...PORTAL_ACCOUNTS, ...opts.users];
  writeFileSync(join(view, 'passwd'), accounts.map((a) => `${a.name}:x:${a.uid}:${a.gid}::/nonexistent:/usr/sbin/nologin\n`).join(''));
  writeFileSync(join(view, 'group'), accounts.map((a) => `${a.name}:x:${a.gid}:\n`).join(''));
  // Files only: the host's sssd or systemd NSS modules must not add users the portal would not have.
  writeFileSync(join(view, 'nsswitch.conf'), 'passwd: files\ngroup: files\nshadow: files\nhosts: files\n');
  const binds: [string, string][] = [
    [join(view, 'passwd'), '/etc/passwd'],
    [join(view, 'group'), '/etc/group'],
    [join(view, 'nsswitch.conf'), '/etc/nsswitch.conf'],
    [join(root, 'run'), '/run'],
  ];
  const enter = `${binds.map(([from, to]) => `mount --bind '${from}' '${to}'`).join(' && ')} && exec "$@"`;
  const baseEnv = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C', HOME: '/' };
  return {
    root,
    mungeRunDir,
    run(argv, o = {}) {
      const drop = o.user ? ['setpriv', `--reuid=${o.user.uid}`, `--regid=${o.user.gid}`, '--clear-groups', '--'] : [];
      return run('unshare', ['--mount', '--', 'sh', '-c', enter, 'portal', ...drop, ...argv], {
        env: { ...baseEnv, ...o.env },
        ...(o.cwd ? { cwd: o.cwd } : {}),
        ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
        ...(o.input !== undefined ? { input: o.input } : {}),
      });
    },
    runScript(file, o) {
      return run('unshare', ['--mount', '--', 'bash', file], { env: o.env, ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}) });
    },
  };
}
