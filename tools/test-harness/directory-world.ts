/**
 * @hpc-ha/sssd-config's directory world (packages/sssd-config/test/support/directory-world.sh): a Debian slapd on
 * loopback with a test CA, the portal sssd step as a node runs it and a real sssd for NSS and PAM, all inside private
 * mount and PID namespaces, so nothing on the host changes and every daemon dies with the world. Other packages add
 * entries, slapd lines and checks of their own through WORLD_LDIF_EXTRA, WORLD_SLAPD_EXTRA and WORLD_THEN.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SssdStepSpec } from '@hpc-ha/sssd-config';

const SCRIPT = fileURLToPath(new URL('../../packages/sssd-config/test/support/directory-world.sh', import.meta.url));

/** What the world needs on this machine; a test skips when one is missing (and fails in CI). */
export const DIRECTORY_WORLD_TOOLS = ['slapd', 'slapadd', 'slappasswd', 'ldapwhoami', 'ldapsearch', 'sssd', 'sssctl', 'pamtester', 'unshare', 'openssl', 'runuser'];

/** Missing tools, plus "root" when not root: empty when the world can run. */
export function directoryWorldMissing(): string[] {
  const missing = DIRECTORY_WORLD_TOOLS.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  if (process.getuid?.() !== 0) missing.push('root');
  if (process.env['CI'] === 'true' && missing.length > 0) throw new Error(`CI=true but the directory world cannot run: missing ${missing.join(', ')}`);
  return missing;
}

/**
 * Runs the world in `work` (an empty directory, mode 0711 so users reach their homes below it) with slapd on
 * ldaps://127.0.0.1:`port`; `env` holds the sssd step's HPC_HA_* variables, the passwords and any WORLD_* hooks.
 * Results are files in `work`/out.
 */
export function runDirectoryWorld(work: string, port: number, env: Record<string, string>, timeoutMs = 120_000): SpawnSyncReturns<string> {
  return spawnSync('unshare', ['--mount', '--pid', '--fork', '--mount-proc', '--propagation', 'private', 'bash', SCRIPT, work, String(port)], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env },
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
  });
}

/** The world's directory: its base DN and the read-only account sssd (and Dex) bind as. */
export const WORLD_BASE_DN = 'dc=hpcha,dc=test';
export const WORLD_BIND_DN = `cn=readonly,${WORLD_BASE_DN}`;

/**
 * The sssd step's spec for the world on `port`: the CA fetched from the world's "S3" onto its "EFS" under `work`,
 * homes in `work`/efs/home, and cache and network timeouts of seconds, not minutes, for the test's first lookups.
 */
export function worldStepSpec(work: string, port: number, extraOptions: Record<string, string> = {}): SssdStepSpec {
  const homeRoot = join(work, 'efs', 'home');
  return {
    directoryType: 'ldap',
    sssd: {
      schema: 'rfc2307',
      ldapUris: [`ldaps://127.0.0.1:${port}`],
      searchBase: WORLD_BASE_DN,
      bindDn: WORLD_BIND_DN,
      caCertFile: join(work, 'efs', 'hpc-ha', 'directory', 'ca.pem'),
      homeDirectory: `${homeRoot}/%u`,
      extraOptions: { entry_cache_timeout: '5', ldap_network_timeout: '3', ...extraOptions },
    },
    bindPasswordSecretArn: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:ldap-bind-AbCdEf',
    caCertificate: { uri: 's3://test-bucket/directory-ca.pem' },
    homeRoot,
  };
}
