import { DeleteSecretCommand, GetSecretValueCommand, ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLES, motoEnv, runCli } from './cli.js';
import { useMoto } from './moto.js';

const PASSWORD = 'Canary-pw_7391#xyzzy';
const moto = useMoto({ resetEach: true });
const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-cli-secret-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function secrets(): SecretsManagerClient {
  return new SecretsManagerClient({ endpoint: moto.server!.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
}

function allFilesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .map((f) => join(root, f))
    .filter((f) => statSync(f).isFile());
}

describe('hpc-ha secret create (against moto_server)', () => {
  it('stores {"efadminPassword": …} from stdin and prints only the ARN on stdout, exit 0', async (ctx) => {
    if (!moto.server) return ctx.skip();
    const r = await runCli(['secret', 'create', '--region', 'cn-north-1'], { input: `${PASSWORD}\n`, env: motoEnv(moto.server.endpoint) });
    expect(r.stderr).toContain('created secret efadminPassword in cn-north-1');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:efadminPassword-\w{6}$/);
    const stored = await secrets().send(new GetSecretValueCommand({ SecretId: r.stdout.trim() }));
    expect(JSON.parse(stored.SecretString!)).toEqual({ efadminPassword: PASSWORD });
  });

  it('--write-config sets portal.adminPasswordSecretArn and changes nothing else, comments included', async (ctx) => {
    if (!moto.server) return ctx.skip();
    const work = mkdtempSync(join(dir, 'write-'));
    const config = join(work, 'hpc-ha.yaml');
    const original = readFileSync(`${EXAMPLES}/cn-north-1.yaml`, 'utf8');
    writeFileSync(config, original);
    const r = await runCli(['secret', 'create', '--name', 'lab/efadmin', '--write-config', '-c', config], {
      input: PASSWORD,
      env: motoEnv(moto.server.endpoint, 'us-east-1'), // the config's region wins over AWS_REGION
      cwd: work,
    });
    expect(r.code).toBe(0);
    const arn = r.stdout.trim();
    expect(arn).toMatch(/^arn:aws-cn:secretsmanager:cn-north-1:\d{12}:secret:lab\/efadmin-\w{6}$/);
    const updated = readFileSync(config, 'utf8');
    const before = original.split('\n');
    const after = updated.split('\n');
    expect(after).toHaveLength(before.length);
    const changed = after.map((l, i) => (l === before[i] ? -1 : i)).filter((i) => i >= 0);
    expect(changed).toHaveLength(1);
    expect(after[changed[0]!]).toBe(`  adminPasswordSecretArn: ${arn}`);
    const v = await runCli(['validate', '-c', config]);
    expect(v.code).toBe(0);

    // The canary password appears nowhere but in the secret: not in output, not in any file left behind.
    for (const text of [r.stdout, r.stderr, v.stdout, v.stderr]) expect(text).not.toContain(PASSWORD);
    for (const f of allFilesUnder(work)) expect(readFileSync(f, 'utf8'), f).not.toContain(PASSWORD);
    expect(JSON.stringify(await secrets().send(new ListSecretsCommand({})))).not.toContain(PASSWORD);
  });

  it('--directory-bind stores the bind password as plain text (ParallelCluster’s form) and sets directory.bindPasswordSecretArn', async (ctx) => {
    if (!moto.server) return ctx.skip();
    const work = mkdtempSync(join(dir, 'bind-'));
    const config = join(work, 'hpc-ha.yaml');
    writeFileSync(config, readFileSync(join(EXAMPLES, 'directory', 'cn-northwest-1-active-directory.yaml'), 'utf8'));
    // A directory's bind password need not meet efadmin's rules, only fit on one sssd.conf line.
    const bind = 'Canary bind pw';
    const r = await runCli(['secret', 'create', '--directory-bind', '--name', 'hpcha/ad-bind', '--write-config', '-c', config], {
      input: `${bind}\n`,
      env: motoEnv(moto.server.endpoint, 'cn-northwest-1'),
      cwd: work,
    });
    expect(r.code, r.stderr).toBe(0);
    const arn = r.stdout.trim();
    expect(r.stderr).toContain('as plain text');
    const stored = await new SecretsManagerClient({ endpoint: moto.server.endpoint, region: 'cn-northwest-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } }).send(
      new GetSecretValueCommand({ SecretId: arn }),
    );
    expect(stored.SecretString).toBe(bind);
    expect(readFileSync(config, 'utf8')).toContain(`  bindPasswordSecretArn: ${arn}\n`);
    const v = await runCli(['validate', '-c', config]);
    expect(v.code, v.stderr).toBe(0);
    for (const text of [r.stdout, r.stderr, v.stdout, v.stderr]) expect(text).not.toContain(bind);

    const padded = await runCli(['secret', 'create', '--directory-bind', '--name', 'x', '--region', 'cn-north-1'], { input: ' padded\n', env: motoEnv(moto.server.endpoint) });
    expect(padded.code).toBe(2);
    expect(padded.stderr).toContain('starts or ends with a space');
  });

  it('--write-config without the key in the config inserts one line under portal: and keeps every other byte', async (ctx) => {
    if (!moto.server) return ctx.skip();
    const work = mkdtempSync(join(dir, 'insert-'));
    const config = join(work, 'hpc-ha.yaml');
    const original = readFileSync(`${EXAMPLES}/cn-north-1.yaml`, 'utf8').replace(/^ {2}adminPasswordSecretArn: .*\n/m, '');
    writeFileSync(config, original);
    const r = await runCli(['secret', 'create', '--write-config', '-c', config], { input: PASSWORD, env: motoEnv(moto.server.endpoint), cwd: work });
    expect(r.stderr).toContain('set portal.adminPasswordSecretArn');
    expect(r.code).toBe(0);
    const at = original.indexOf('portal:\n') + 'portal:\n'.length;
    expect(readFileSync(config, 'utf8')).toBe(`${original.slice(0, at)}  adminPasswordSecretArn: ${r.stdout.trim()}\n${original.slice(at)}`);
    expect((await runCli(['validate', '-c', config])).code).toBe(0);
  });

  it.for([
    ['portal is a flow mapping', 'region: cn-north-1\nportal: {instanceType: m5.xlarge}\n', 'cannot add portal.adminPasswordSecretArn without reformatting the file; add adminPasswordSecretArn: under portal by hand'],
    ['portal is not a mapping', 'region: cn-north-1\nportal: yes please\n', 'portal is not a mapping'],
  ] as const)('--write-config checks the config can be edited before creating the secret (%s): exit 2, no secret, file unchanged', async ([, text, message], ctx) => {
    if (!moto.server) return ctx.skip();
    const work = mkdtempSync(join(dir, 'uneditable-'));
    const config = join(work, 'hpc-ha.yaml');
    writeFileSync(config, text);
    const r = await runCli(['secret', 'create', '--write-config', '-c', config], { input: PASSWORD, env: motoEnv(moto.server.endpoint), cwd: work });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
    expect((await secrets().send(new ListSecretsCommand({}))).SecretList).toEqual([]);
    expect(readFileSync(config, 'utf8')).toBe(text);
  });

  it('a weak password is refused with every reason, nothing created, exit 2', async (ctx) => {
    if (!moto.server) return ctx.skip();
    const r = await runCli(['secret', 'create', '--region', 'cn-north-1'], { input: 'password1\n', env: motoEnv(moto.server.endpoint) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the password is too weak: it has 9 characters; at least 12 are needed; it needs at least one special character');
    expect(r.stderr).not.toContain('password1');
    expect((await secrets().send(new ListSecretsCommand({}))).SecretList).toEqual([]);
  });

  it('refuses several lines or nothing on stdin, exit 2', async (ctx) => {
    if (!moto.server) return ctx.skip();
    const two = await runCli(['secret', 'create', '--region', 'cn-north-1'], { input: `${PASSWORD}\n${PASSWORD}\n`, env: motoEnv(moto.server.endpoint) });
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('more than one line');
    const none = await runCli(['secret', 'create', '--region', 'cn-north-1'], { input: '', env: motoEnv(moto.server.endpoint) });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no password on stdin');
  });

  it('has no way to take the password from argv: --password is an unknown option, exit 2', async () => {
    const r = await runCli(['secret', 'create', '--password', PASSWORD]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--password'");
  });

  it('an existing secret of that name is a failure with a way out, exit 1', async (ctx) => {
    if (!moto.server) return ctx.skip();
    const env = motoEnv(moto.server.endpoint);
    expect((await runCli(['secret', 'create', '--region', 'cn-north-1'], { input: PASSWORD, env })).code).toBe(0);
    const again = await runCli(['secret', 'create', '--region', 'cn-north-1'], { input: PASSWORD, env });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('a secret named efadminPassword already exists in cn-north-1; nothing was changed');
    expect(again.stderr).toContain('hpc-ha secret create --update --name efadminPassword');
    expect(again.stderr).not.toContain('delete the old secret');
  });

  it('--update puts the new password into the existing secret: same ARN, new value, --write-config too', async (ctx) => {
    if (!moto.server) return ctx.skip();
    const env = motoEnv(moto.server.endpoint);
    const first = await runCli(['secret', 'create', '--region', 'cn-north-1'], { input: PASSWORD, env });
    const work = mkdtempSync(join(dir, 'update-'));
    const config = join(work, 'hpc-ha.yaml');
    writeFileSync(config, readFileSync(`${EXAMPLES}/cn-north-1.yaml`, 'utf8'));
    const next = 'Second-pw_8402#plugh';
    const r = await runCli(['secret', 'create', '--update', '--write-config', '-c', config], { input: `${next}\n`, env });
    expect(r.stderr).toContain('stored a new value in secret efadminPassword in cn-north-1');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(first.stdout.trim());
    const stored = await secrets().send(new GetSecretValueCommand({ SecretId: first.stdout.trim() }));
    expect(JSON.parse(stored.SecretString!)).toEqual({ efadminPassword: next });
    expect(readFileSync(config, 'utf8')).toContain(`adminPasswordSecretArn: ${first.stdout.trim()}`);
  });

  it('--update of a secret that does not exist creates nothing, exit 1', async (ctx) => {
    if (!moto.server) return ctx.skip();
    const r = await runCli(['secret', 'create', '--update', '--name', 'missing', '--region', 'cn-north-1'], { input: PASSWORD, env: motoEnv(moto.server.endpoint) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no secret named missing in cn-north-1 to update; nothing was changed');
    expect((await secrets().send(new ListSecretsCommand({}))).SecretList ?? []).toEqual([]);
  });

  it('a name held by a deleted secret (recovery window) says how to restore and update it, exit 1', async (ctx) => {
    if (!moto.server) return ctx.skip();
    const env = motoEnv(moto.server.endpoint);
    const first = await runCli(['secret', 'create', '--region', 'cn-north-1'], { input: PASSWORD, env });
    await secrets().send(new DeleteSecretCommand({ SecretId: first.stdout.trim(), RecoveryWindowInDays: 7 }));
    const again = await runCli(['secret', 'create', '--region', 'cn-north-1'], { input: PASSWORD, env });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('scheduled for deletion; nothing was changed');
    expect(again.stderr).toContain('aws secretsmanager restore-secret --secret-id efadminPassword --region cn-north-1');
  });

  it('without a region anywhere it is a usage error, exit 2', async () => {
    const r = await runCli(['secret', 'create'], { input: PASSWORD, cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no AWS Region');
  });

  it('without credentials it says how to provide them, exit 1', async () => {
    const r = await runCli(['secret', 'create', '--region', 'cn-north-1'], { input: PASSWORD, cwd: dir, env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('AWS credentials');
    expect(r.stderr).toContain('AWS_PROFILE');
    expect(r.stderr).not.toContain(PASSWORD);
  });
});
