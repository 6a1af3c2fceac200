import { GetSecretValueCommand, ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { motoEnv } from './cli.js';
import { useMoto } from './moto.js';
import { KEY, usePty } from './pty.js';

const PASSWORD = 'Canary-tty_4817#plugh';
const OTHER = 'Canary-tty_4817#plugH';
const WEAK = 'xyzzy42';
const ARN = /arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:efadminPassword-\w{6}/;

const moto = useMoto({ resetEach: true });
const pty = usePty();

function secrets(): SecretsManagerClient {
  return new SecretsManagerClient({ endpoint: moto.server!.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
}

async function secretCount(): Promise<number> {
  return (await secrets().send(new ListSecretsCommand({}))).SecretList?.length ?? 0;
}

/** `secret create` on a terminal, answering the first hidden prompt. */
async function startAndTypeFirst(password: string) {
  const s = pty.start(['secret', 'create', '--region', 'cn-north-1'], { env: motoEnv(moto.server!.endpoint) });
  await s.waitFor('efadmin password (hidden)');
  s.type(password + KEY.enter);
  return s;
}

describe('hpc-ha secret create on a terminal (pty, against moto_server)', { timeout: 20_000 }, () => {
  it('asks twice with the input hidden, stores {"efadminPassword": …} and prints the ARN, exit 0', async (ctx) => {
    if (!moto.server || !pty.available) return ctx.skip();
    const s = await startAndTypeFirst(PASSWORD);
    await s.waitFor('the same password again');
    s.type(PASSWORD + KEY.enter);
    expect(await s.exit()).toBe(0);

    // Each typed character shows as a mask, and the password itself reaches the terminal in no form.
    expect(s.text).toContain('▪'.repeat(PASSWORD.length));
    expect(s.raw).not.toContain(PASSWORD);
    expect(s.text).not.toContain(PASSWORD);
    expect(s.text).toContain('created secret efadminPassword in cn-north-1 as {"efadminPassword": "…"}');

    const arn = ARN.exec(s.text)?.[0];
    expect(arn).toBeDefined();
    const stored = await secrets().send(new GetSecretValueCommand({ SecretId: arn }));
    expect(stored.ARN).toBe(arn);
    expect(JSON.parse(stored.SecretString!)).toEqual({ efadminPassword: PASSWORD });
  });

  it('a different second entry is refused, nothing created, exit 2', async (ctx) => {
    if (!moto.server || !pty.available) return ctx.skip();
    const s = await startAndTypeFirst(PASSWORD);
    await s.waitFor('the same password again');
    s.type(OTHER + KEY.enter);
    expect(await s.exit()).toBe(2);
    expect(s.text).toContain('error: the two passwords differ; nothing was created');
    for (const p of [PASSWORD, OTHER]) expect(s.raw).not.toContain(p);
    expect(await secretCount()).toBe(0);
  });

  it('a weak password is refused at the prompt with every reason and asked again; Ctrl-C then cancels, nothing created, exit 2', async (ctx) => {
    if (!moto.server || !pty.available) return ctx.skip();
    const s = await startAndTypeFirst(WEAK);
    await s.waitFor('it has 7 characters; at least 12 are needed; it needs at least one special character such as ! # % + - _ @');
    // Still the first prompt: the weak password was not accepted as an answer.
    expect(s.text).not.toContain('the same password again');
    s.type(KEY.ctrlC);
    expect(await s.exit()).toBe(2);
    expect(s.text).toContain('error: cancelled');
    expect(s.raw).not.toContain(WEAK);
    expect(await secretCount()).toBe(0);
  });

  it('after a weak attempt the corrected password is accepted and stored, not the weak one', async (ctx) => {
    if (!moto.server || !pty.available) return ctx.skip();
    const s = await startAndTypeFirst(WEAK);
    await s.waitFor('at least 12 are needed');
    const mark = s.text.length;
    s.type(KEY.backspace.repeat(WEAK.length) + PASSWORD + KEY.enter);
    await s.waitFor('the same password again', { from: mark });
    s.type(PASSWORD + KEY.enter);
    expect(await s.exit()).toBe(0);
    const arn = ARN.exec(s.text)?.[0];
    const stored = await secrets().send(new GetSecretValueCommand({ SecretId: arn }));
    expect(JSON.parse(stored.SecretString!)).toEqual({ efadminPassword: PASSWORD });
    expect(s.raw).not.toContain(PASSWORD);
  });
});
