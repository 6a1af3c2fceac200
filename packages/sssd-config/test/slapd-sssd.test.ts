import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryWorldMissing, runDirectoryWorld, worldStepSpec } from '../../../tools/test-harness/directory-world.js';
import { freePort } from '../../../tools/test-harness/ports.js';
import { SSSD_PORTAL_STEP, sssdStepVariables } from '../src/index.js';

/**
 * The real consumers: a Debian slapd on loopback with a test CA and two users, the portal step run as a node runs
 * it, then Debian's sssd with the files the step wrote, asked through NSS (getent) and PAM (pamtester).
 */
const missing = directoryWorldMissing();

// Canaries: a bind password with characters sssd.conf might mangle (#, ;, inner spaces).
const BIND_PASSWORD = 'CANARY-bind Pa$$#w0rd;x';
const ALICE_PASSWORD = 'alice-S3cret pass';
const BOB_PASSWORD = 'bob-0ther-secret';

const work = mkdtempSync(join(tmpdir(), 'hpc-ha-identity-'));
const out = (name: string): string => readFileSync(join(work, 'out', name), 'utf8');
let run: ReturnType<typeof runDirectoryWorld>;

describe.skipIf(missing.length > 0)('a real slapd and sssd (loopback, private namespaces)', () => {
  beforeAll(async () => {
    const port = await freePort();
    const vars = sssdStepVariables(worldStepSpec(work, port));
    writeFileSync(join(work, 'portal-step.sh'), SSSD_PORTAL_STEP);
    // Users must be able to pass through to their homes below it, as they would through /efs.
    chmodSync(work, 0o711);
    run = runDirectoryWorld(work, port, { HPC_HA_REGION: 'cn-north-1', BIND_PASSWORD, ALICE_PASSWORD, BOB_PASSWORD, ...Object.fromEntries(vars) }, 90_000);
  }, 120_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('the world came up and went down cleanly', () => {
    const trace = existsSync(join(work, 'out', 'trace')) ? out('trace') : '';
    expect(run.status, `${run.stderr}\n${trace}\n${existsSync(join(work, 'out', 'step.log')) ? out('step.log') : ''}`).toBe(0);
    expect(trace).toContain('done');
    // The PID namespace took slapd and sssd with it.
    const pids = [...trace.matchAll(/pid (\d+)/g)].map((m) => m[1]);
    expect(pids).toHaveLength(2);
  });

  it('getent passwd alice resolves through sssd, with the uid from the directory and the home on the shared EFS', () => {
    expect(out('getent-alice.rc').trim()).toBe('0');
    expect(out('getent-alice.out').trim()).toBe(`alice:*:16901:16900:Alice Example:${join(work, 'efs', 'home', 'alice')}:/bin/bash`);
    expect(out('getent-bob.out')).toMatch(/^bob:\*:16902:16900:/);
    expect(out('getent-nobody.rc').trim()).toBe('2');
    expect(out('group.out').trim()).toBe('hpc-users:*:16900:alice,bob');
  });

  it('PAM authenticates alice with her password and refuses a wrong one, or her password for bob', () => {
    expect(out('pam-alice-ok.rc').trim(), out('pam-alice-ok.out')).toBe('0');
    expect(out('pam-alice-ok.out')).toMatch(/successfully authenticated/);
    expect(out('pam-alice-wrong.rc').trim()).not.toBe('0');
    expect(out('pam-alice-wrong.out')).toMatch(/Authentication failure/);
    expect(out('pam-bob-with-alice-password.rc').trim()).not.toBe('0');
  });

  it('creates the home at first login, private to the user, and a job as alice writes there', () => {
    expect(out('session-alice.rc').trim(), out('session-alice.out')).toBe('0');
    const home = join(work, 'efs', 'home', 'alice');
    expect(out('home').split('\n')[0]).toBe(`700 16901 16900 ${home}`);
    expect(out('job-alice.out').trim().split('\n')).toEqual(['16901', home]);
    expect(out('home').split('\n')[1]).toMatch(new RegExp(`^\\d+ 16901 16900 ${home}/job.out$`));
  });

  it('the step installed root-only config, checked the CA download, and a second run changed nothing', () => {
    const modes = out('modes').trim().split('\n');
    expect(modes[0]).toBe('600 0 /etc/sssd/sssd.conf');
    expect(modes[1]).toBe('600 0 /etc/sssd/conf.d/50-hpc-ha-bind-password.conf');
    expect(modes[2]).toMatch(/^644 0 .*\/efs\/hpc-ha\/directory\/ca\.pem$/);
    expect(modes[3]).toMatch(/^755 0 .*\/efs\/home$/);
    const [first, second] = out('calls').split('first\n');
    expect(first).toContain('systemctl restart sssd');
    expect(first).toContain('authselect select sssd with-mkhomedir --force');
    expect(second).not.toContain('restart');
    expect(second).toContain('systemctl enable --now sssd');
    expect(out('step.log')).toContain('sssd configuration unchanged');
  });

  it('the bind password is in no log, no command line and no file but the root-only snippet', () => {
    for (const name of ['calls', 'step.log', 'slapd.log', 'sssd.log', 'trace']) {
      expect(out(name).includes('CANARY-bind'), `password in ${name}`).toBe(false);
    }
    expect(readFileSync(join(work, 'etc-sssd', 'sssd.conf'), 'utf8')).not.toContain('CANARY-bind');
  });
});
