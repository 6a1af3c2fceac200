import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SSSD_PORTAL_STEP, sssdStepVariables, SssdSpecError, type SssdStepSpec } from '../src/index.js';

const inCi = process.env['CI'] === 'true';
const haveShellcheck = spawnSync('shellcheck', ['--version']).status === 0;
if (inCi && !haveShellcheck) throw new Error('CI=true but shellcheck is not installed');

const CA = '-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----\n';
const work = mkdtempSync(join(tmpdir(), 'hpc-ha-sssd-step-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const STEP: SssdStepSpec = {
  directoryType: 'activeDirectory',
  sssd: {
    schema: 'ad',
    ldapUris: ['ldaps://dc1.corp.example.com'],
    searchBase: 'DC=corp,DC=example,DC=com',
    bindDn: 'CN=ReadOnlyUser,OU=Users,OU=CORP,DC=corp,DC=example,DC=com',
    caCertFile: '/efs/hpc-ha/directory/ca.pem',
    homeDirectory: '/efs/home/%u',
  },
  bindPasswordSecretArn: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:bind-AbCdEf',
  caCertificate: { uri: 's3://bucket/ca.pem', sha256: '0'.repeat(64) },
  homeRoot: '/efs/home',
};

/** Runs the step under bash with stub commands (aws serves SECRET and the CA file) in a fresh sysroot. */
function runStep(step: SssdStepSpec | { directoryType: 'none' }, secret: string, caText = CA, call = 'hpc_ha_configure_sssd', reuse?: string) {
  const dir = reuse ?? mkdtempSync(join(work, 'node-'));
  const stubs = join(dir, 'stubs');
  mkdirSync(stubs, { recursive: true });
  writeFileSync(join(dir, 'ca.pem'), caText);
  writeFileSync(join(dir, 'secret'), secret);
  // A command named in $dir/fail-<command> fails, as authselect or a refused sssd restart does.
  for (const cmd of ['dnf', 'authselect', 'systemctl', 'sssctl'])
    writeFileSync(join(stubs, cmd), `#!/bin/sh\necho "${cmd} $*" >>"${dir}/calls"\nif [ -f "${dir}/fail-${cmd}" ] && grep -qF -- "$1 $2" "${dir}/fail-${cmd}"; then exit 1; fi\n`);
  writeFileSync(
    join(stubs, 'aws'),
    `#!/bin/sh\necho "aws $*" >>"${dir}/calls"\ncase "$1" in secretsmanager) cat "${dir}/secret" ;; s3) eval "dest=\\\${$#}"; cp "${dir}/ca.pem" "$dest" ;; esac\n`,
  );
  for (const cmd of ['dnf', 'authselect', 'systemctl', 'sssctl', 'aws']) chmodSync(join(stubs, cmd), 0o755);
  // The host as the EnginFrame program is: errexit and pipefail, no lastpipe.
  const script = `set -Eeuo pipefail\n${SSSD_PORTAL_STEP}\n${call}\n`;
  const result = spawnSync('bash', ['-c', script], {
    env: { PATH: `${stubs}:/usr/bin:/bin`, HPC_HA_SYSROOT: join(dir, 'root'), HPC_HA_REGION: 'cn-north-1', TMPDIR: dir, ...Object.fromEntries(sssdStepVariables(step)) },
    encoding: 'utf8',
  });
  const calls = existsSync(join(dir, 'calls')) ? readFileSync(join(dir, 'calls'), 'utf8') : '';
  return { ...result, calls, root: join(dir, 'root'), dir };
}

function realCa(): string {
  const dir = mkdtempSync(join(work, 'ca-'));
  spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=test', '-keyout', join(dir, 'k'), '-out', join(dir, 'c')]);
  return readFileSync(join(dir, 'c'), 'utf8');
}

describe('the portal step (bash, stub commands)', () => {
  it.skipIf(!haveShellcheck)('passes shellcheck', () => {
    const run = spawnSync('shellcheck', ['--shell=bash', '-'], { input: SSSD_PORTAL_STEP, encoding: 'utf8' });
    expect(run.stdout).toBe('');
    expect(run.status).toBe(0);
  });

  it('does nothing for type none', () => {
    const run = runStep({ directoryType: 'none' }, 'unused');
    expect(run.status).toBe(0);
    expect(run.calls).toBe('');
  });

  it('refuses a CA file whose SHA-256 differs, before touching sssd', () => {
    const run = runStep(STEP, 'p4ss', realCa());
    expect(run.status).not.toBe(0);
    expect(run.stdout).toMatch(/SHA-256 mismatch for the directory CA certificate: expected 0{64}/);
    expect(existsSync(join(run.root, 'etc/sssd/sssd.conf'))).toBe(false);
    expect(run.calls).not.toContain('systemctl');
  });

  it('refuses a CA file that is not a certificate', () => {
    const run = runStep({ ...STEP, caCertificate: { uri: 's3://bucket/ca.pem' } }, 'p4ss', 'not a certificate\n');
    expect(run.status).not.toBe(0);
    expect(run.stdout).toMatch(/not a PEM certificate/);
  });

  it.each([
    ['a JSON secret', '{"password":"x"}\n{"other":1}'],
    ['leading spaces', '  p4ss'],
  ])('refuses a bind password sssd.conf cannot hold (%s), without printing it', (_name, secret) => {
    const run = runStep({ ...STEP, caCertificate: undefined, sssd: { ...STEP.sssd, caCertFile: undefined } }, secret);
    expect(run.status).not.toBe(0);
    expect(run.stdout).toMatch(/one line of plain text/);
    expect(`${run.stdout}${run.stderr}${run.calls}`).not.toContain(secret.trim());
    expect(run.calls).not.toContain('systemctl');
  });

  it('installs a verified CA where sssd.conf expects it, and writes the password only to the root-only snippet', () => {
    const ca = realCa();
    const sha = spawnSync('sha256sum', { input: ca, encoding: 'utf8' }).stdout.split(' ')[0]!;
    const run = runStep({ ...STEP, caCertificate: { uri: 's3://bucket/ca.pem', sha256: sha } }, 'CANARY-p4ss', ca);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(readFileSync(join(run.root, 'efs/hpc-ha/directory/ca.pem'), 'utf8')).toBe(ca);
    expect(readFileSync(join(run.root, 'etc/sssd/conf.d/50-hpc-ha-bind-password.conf'), 'utf8')).toContain('ldap_default_authtok = CANARY-p4ss\n');
    expect(readFileSync(join(run.root, 'etc/sssd/sssd.conf'), 'utf8')).not.toContain('CANARY');
    expect(run.calls).toMatch(/^sssctl config-check --config=.*\/etc\/sssd\/sssd.conf --snippet=.*\/etc\/sssd\/conf.d$/m);
    expect(`${run.stdout}${run.stderr}${run.calls}`).not.toContain('CANARY');
  });
});

describe('the portal step: restart on any change, fail on any failure', () => {
  const plain = { ...STEP, caCertificate: undefined, sssd: { ...STEP.sssd, caCertFile: undefined } };

  it('a rotated bind password restarts sssd in a host without lastpipe (the changed flag survives)', () => {
    const first = runStep(plain, 'p4ss-one');
    expect(first.status, first.stdout + first.stderr).toBe(0);
    const again = runStep(plain, 'p4ss-one', CA, 'hpc_ha_configure_sssd', first.dir);
    expect(again.calls.split('\n').filter((c) => c.startsWith('systemctl restart'))).toEqual(['systemctl restart sssd']);
    writeFileSync(join(first.dir, 'calls'), '');
    const rotated = runStep(plain, 'p4ss-two', CA, 'hpc_ha_configure_sssd', first.dir);
    expect(rotated.status).toBe(0);
    expect(rotated.calls.split('\n').filter((c) => c.startsWith('systemctl restart'))).toEqual(['systemctl restart sssd']);
    writeFileSync(join(first.dir, 'calls'), '');
    const same = runStep(plain, 'p4ss-two', CA, 'hpc_ha_configure_sssd', first.dir);
    expect(same.calls).not.toContain('systemctl restart');
  });

  it.each([
    ['authselect', 'select sssd', /authselect select sssd with-mkhomedir failed/],
    ['systemctl', 'restart sssd', /sssd does not start with the new configuration/],
  ])('a failing %s fails the step even where errexit is off (on the left of ||)', (cmd, args, reason) => {
    const dir = mkdtempSync(join(work, 'node-'));
    writeFileSync(join(dir, `fail-${cmd}`), `${args}\n`);
    const run = runStep(plain, 'p4ss', CA, 'hpc_ha_configure_sssd || { echo "step failed: $HPC_HA_SSSD_FAILURE"; exit 3; }', dir);
    expect(run.status).toBe(3);
    expect(run.stdout).toMatch(reason);
  });
});

describe('sssdStepVariables', () => {
  it('gives type none the same variable names, empty', () => {
    const none = sssdStepVariables({ directoryType: 'none' });
    expect(none.map(([k]) => k)).toEqual(sssdStepVariables(STEP).map(([k]) => k));
    expect(none.filter(([, v]) => v !== '')).toEqual([['HPC_HA_DIRECTORY_TYPE', 'none']]);
  });

  it('refuses a CA download without a place for it, and homes outside the home root', () => {
    expect(() => sssdStepVariables({ ...STEP, sssd: { ...STEP.sssd, caCertFile: undefined } })).toThrow(SssdSpecError);
    expect(() => sssdStepVariables({ ...STEP, homeRoot: '/home' })).toThrow(/not the parent/);
  });
});
