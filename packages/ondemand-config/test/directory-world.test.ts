import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SSSD_PORTAL_STEP, sssdStepVariables } from '@hpc-ha/sssd-config';
import { directoryWorldMissing, runDirectoryWorld, worldStepSpec } from '../../../tools/test-harness/directory-world.js';
import { freePort } from '../../../tools/test-harness/ports.js';
import { renderOodBootstrap, renderOodHomeHook } from '../src/index.js';
import { bootstrapSpec, dexPortal } from './support/specs.js';

/**
 * Open OnDemand against a real directory: @hpc-ha/sssd-config's world (Debian slapd on loopback, the sssd step as a
 * node runs it, a real sssd answering NSS and PAM, all in private namespaces), with this package's checks run
 * inside it (test/support/ood-directory-checks.sh).
 */
const missing = directoryWorldMissing();
const CHECKS = new URL('./support/ood-directory-checks.sh', import.meta.url).pathname;
const BASE = 'dc=hpcha,dc=test';
const ODD_USER = "o'neil $(touch pwned) x";

const user = (uid: string, number: number, extra: string[] = []): string =>
  [`dn: uid=${uid},ou=people,${BASE}`, 'objectClass: inetOrgPerson', 'objectClass: posixAccount', `uid: ${uid}`, `cn: ${uid}`, 'sn: Test',
    `uidNumber: ${number}`, 'gidNumber: 16960', `homeDirectory: /home/${uid}`, 'loginShell: /bin/bash', `userPassword: ${uid}-pw`, ...extra].join('\n');

const work = mkdtempSync(join(tmpdir(), 'hpc-ha-ood-directory-'));
const out = (name: string): string => readFileSync(join(work, 'out', name), 'utf8');
const has = (name: string): boolean => existsSync(join(work, 'out', name));
let run: ReturnType<typeof runDirectoryWorld>;

describe.skipIf(missing.length > 0)('Open OnDemand with a real slapd and sssd', () => {
  const homeRoot = join(work, 'efs', 'home');
  beforeAll(async () => {
    const port = await freePort();
    let second = await freePort();
    while (second === port) second = await freePort();
    // Node 1's bootstrap: Dex's own-AZ server first, the other as failover, the directory's CA where Dex reads it.
    const nodeSpec = {
      ...bootstrapSpec(),
      portal: dexPortal({
        dexLdap: {
          directoryType: 'ldap',
          host: `127.0.0.1:${port}`,
          failoverHosts: [`127.0.0.1:${second}`],
          bindDn: `cn=readonly,${BASE}`,
          userBaseDn: `ou=people,${BASE}`,
          rootCaFile: '/etc/ood/dex/ldap-ca.pem',
        },
      }),
    };
    writeFileSync(join(work, 'ood-bootstrap.sh'), renderOodBootstrap(nodeSpec));
    const ldif = [
      user('carol', 16950),
      user('mallory', 16952),
      user(ODD_USER, 16953),
      user('sysacct', 500),
    ].join('\n\n');
    writeFileSync(join(work, 'extra.ldif'), `${ldif}\n`);
    const hook = join(work, 'hpc-ha-ood-home');
    writeFileSync(hook, renderOodHomeHook({ homeRoot }));
    chmodSync(hook, 0o755);
    writeFileSync(join(work, 'portal-step.sh'), SSSD_PORTAL_STEP);
    chmodSync(work, 0o711);
    const vars = sssdStepVariables(worldStepSpec(work, port));
    run = runDirectoryWorld(work, port, {
      HPC_HA_REGION: 'cn-north-1',
      BIND_PASSWORD: 'bind-pw-for-test',
      ALICE_PASSWORD: 'alice-pw',
      BOB_PASSWORD: 'bob-pw',
      WORLD_LDIF_EXTRA: join(work, 'extra.ldif'),
      WORLD_THEN: CHECKS,
      OOD_HOME_HOOK: hook,
      HOME_ROOT: homeRoot,
      ODD_USER,
      SECOND_PORT: String(second),
      ...Object.fromEntries(vars),
    });
  }, 150_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('the world ran to the end', () => {
    const trace = has('trace') ? out('trace') : '';
    expect(run.status, `${String(run.stderr)}\n${trace}\n${has('step.log') ? out('step.log') : ''}`).toBe(0);
    expect(trace).toContain('done');
  });

  describe('homes at first login (nginx_stage pre-hook)', () => {
    it('creates the home with the directory uid/gid, mode 0700, with /etc/skel’s files, owned by the user', () => {
      expect(out('hook-carol-first.rc').trim(), out('hook-carol-first.out')).toBe('0');
      expect(out('home-carol').trim()).toBe('700 16950 16960');
      const files = out('home-carol-files').trim().split('\n').filter(Boolean);
      if (existsSync('/etc/skel/.bashrc')) expect(files).toContain('.bashrc 16950 16960');
      for (const f of files) expect(f).toMatch(/ 16950 16960$/);
    });

    it('a second run changes nothing (same inodes, modes, owners, contents)', () => {
      expect(out('hook-carol-second.rc').trim()).toBe('0');
      expect(out('homes-after-second-run')).toBe(out('homes-before-second-run'));
      expect(out('homes-before-second-run')).toContain('carol/work.txt 644 16950 16960');
    });

    it('a name with quotes, spaces and $( ) gets its home and runs nothing', () => {
      expect(out('hook-odd.rc').trim(), out('hook-odd.out')).toBe('0');
      expect(out('home-odd').trim()).toBe(`700 16953 16960 ${homeRoot}/${ODD_USER}`);
      expect(out('hook-cwd').trim()).toBe('');
    });

    it('an unknown user, a system account (uid < 1000), a uid given as a name and a path get nothing', () => {
      expect(out('hook-unknown.rc').trim()).toBe('67');
      expect(out('hook-unknown.out')).toContain("no user 'nosuchuser' in the directory");
      expect(out('hook-system.rc').trim()).toBe('77');
      expect(out('hook-system.out')).toContain('uid 500 is below 1000');
      expect(out('hook-by-uid.rc').trim()).toBe('67');
      expect(out('hook-traversal.rc').trim()).toBe('65');
      expect(out('hook-none.rc').trim()).toBe('64');
      // alice's came from the world's own PAM session (pam_mkhomedir); the hook made only carol's and the odd one's.
      expect(out('homes-listing').trim().split('\n').sort()).toEqual(['alice', 'carol', ODD_USER].sort());
    });
  });

  describe('logins through a directory outage (two slapd servers, the bootstrap’s 20 s directory tick)', () => {
    const tick = (label: string) => out(`tick-${label}`).trim().split(' ');
    it('with both up, Dex asks the node’s own AZ’s server and carol logs in; the node is healthy', () => {
      const [rc, host, health, restarts, login] = tick('both-up');
      expect(rc, has('node.log') ? out('node.log') : '').toBe('0');
      expect(host).toMatch(/^127\.0\.0\.1:\d+$/);
      expect([health, restarts, login]).toEqual(['yes', '1', 'bind-0']);
    });

    it('with that server stopped, the next tick moves Dex to the other server (Dex restarted), and carol logs in', () => {
      expect(out('login-via-stopped-server').trim()).toBe('no-entry');
      const [rc, host, health, restarts, login] = tick('first-down');
      expect(rc).toBe('0');
      expect(host).not.toBe(tick('both-up')[1]);
      expect([health, restarts, login]).toEqual(['yes', '2', 'bind-0']);
      expect(tick('first-down-again').slice(1)).toEqual(tick('first-down').slice(1));
    });

    it('with both stopped, the health file goes (no restart, Dex keeps its server); with the first back, Dex returns to it', () => {
      const [rc, host, health, restarts] = tick('both-down');
      expect([rc, host, health, restarts]).toEqual(['0', tick('first-down')[1], 'no', '2']);
      expect(tick('first-back')).toEqual(['0', tick('both-up')[1], 'yes', '3', 'bind-0']);
      expect(out('node.log')).toContain('no directory server answers');
    });
  });
});
