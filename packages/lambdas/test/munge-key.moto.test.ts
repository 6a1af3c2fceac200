import { randomBytes } from 'node:crypto';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { beforeAll, expect, it } from 'vitest';
import { onEvent } from '../src/munge-key/handler.js';
import { TEST_REGION } from './support/aws-env.js';
import { createEvent, deleteEvent, updateEvent } from './support/events.js';
import { useMotoSuite } from './support/moto-suite.js';
import { describeWith } from './support/tools.js';

describeWith('moto_server')('munge-key handler against moto_server (Secrets Manager)', () => {
  const { logs } = useMotoSuite();
  let sm: SecretsManagerClient;
  /** Every key value a test saw, to prove afterwards that none reached a log line or an answer. */
  const seenKeys: string[] = [];
  const answers: string[] = [];

  beforeAll(() => {
    sm = new SecretsManagerClient({ region: TEST_REGION });
  });

  /** A secret as the infra stack makes it: no value at all until the handler writes one. */
  async function emptySecret(name = 'hpc-ha-munge'): Promise<string> {
    return (await sm.send(new CreateSecretCommand({ Name: name, Description: 'munge key' }))).ARN!;
  }

  async function current(arn: string): Promise<{ value: string; versionId: string }> {
    const got = await sm.send(new GetSecretValueCommand({ SecretId: arn }));
    seenKeys.push(got.SecretString!);
    return { value: got.SecretString!, versionId: got.VersionId! };
  }

  async function versionCount(arn: string): Promise<number> {
    return (await sm.send(new ListSecretVersionIdsCommand({ SecretId: arn }))).Versions?.length ?? 0;
  }

  async function run(event: Parameters<typeof onEvent>[0]) {
    const answer = await onEvent(event);
    answers.push(JSON.stringify(answer));
    return answer;
  }

  function expectMungeKey(value: string): void {
    expect(value).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    const decoded = Buffer.from(value, 'base64');
    expect(decoded).toHaveLength(1024);
    // Canonical base64: what `base64 -d` on the nodes reads back is exactly these bytes.
    expect(decoded.toString('base64')).toBe(value);
  }

  it('Create writes base64 of 1024 random bytes into the empty secret; physical id and SecretArn = the ARN', async () => {
    const arn = await emptySecret();
    expect(await versionCount(arn)).toBe(0);
    const answer = await run(createEvent({ SecretArn: arn }));
    expect(answer).toEqual({ PhysicalResourceId: arn, Data: { SecretArn: arn } });
    const { value } = await current(arn);
    expectMungeKey(value);
    expect(await versionCount(arn)).toBe(1);
  });

  it('each secret gets its own random key', async () => {
    const a = await emptySecret('munge-a');
    const b = await emptySecret('munge-b');
    await run(createEvent({ SecretArn: a }));
    await run(createEvent({ SecretArn: b }));
    expect((await current(a)).value).not.toBe((await current(b)).value);
  });

  it('a second Create and an Update keep the key and its version (running clusters keep working)', async () => {
    const arn = await emptySecret();
    await run(createEvent({ SecretArn: arn }));
    const first = await current(arn);

    const retried = await run(createEvent({ SecretArn: arn }));
    expect(retried.PhysicalResourceId).toBe(arn);
    const update = await run(updateEvent(arn, { SecretArn: arn }, { SecretArn: arn }));
    expect(update).toEqual({ PhysicalResourceId: arn, Data: { SecretArn: arn } });
    // An unrelated property change (the token stays as it was) keeps it too.
    await run(updateEvent(arn, { SecretArn: arn, RotationToken: '' }, { SecretArn: arn }));

    expect(await current(arn)).toEqual(first);
    expect(await versionCount(arn)).toBe(1);
    expect(logs.entries().filter((e) => e['msg'] === 'munge key kept')).toHaveLength(3);
  });

  it('an Update with a new RotationToken writes a new key; the same token again keeps it', async () => {
    const arn = await emptySecret();
    await run(createEvent({ SecretArn: arn }));
    const first = await current(arn);
    await run(updateEvent(arn, { SecretArn: arn, RotationToken: '2025-06' }, { SecretArn: arn }));
    const second = await current(arn);
    expectMungeKey(second.value);
    expect(second.value).not.toBe(first.value);
    expect(second.versionId).not.toBe(first.versionId);

    await run(updateEvent(arn, { SecretArn: arn, RotationToken: '2025-06' }, { SecretArn: arn, RotationToken: '2025-06' }));
    expect(await current(arn)).toEqual(second);
  });

  it('a placeholder or a value munge cannot use is replaced; an operator\'s valid key of another size is kept', async () => {
    const placeholder = (await sm.send(new CreateSecretCommand({ Name: 'placeholder', SecretString: 'Xq7#pL!2vR9$mK4@wZ8^tB3&nH6*cF1(' }))).ARN!;
    const tooShort = (await sm.send(new CreateSecretCommand({ Name: 'short', SecretString: randomBytes(16).toString('base64') }))).ARN!;
    const operatorKey = randomBytes(512).toString('base64');
    const operator = (await sm.send(new CreateSecretCommand({ Name: 'operator', SecretString: operatorKey }))).ARN!;
    seenKeys.push(operatorKey);

    for (const arn of [placeholder, tooShort, operator]) await run(createEvent({ SecretArn: arn }));
    expectMungeKey((await current(placeholder)).value);
    expectMungeKey((await current(tooShort)).value);
    expect((await current(operator)).value).toBe(operatorKey);
    const replaced = logs.entries().filter((e) => e['msg'] === 'the secret holds no valid munge key; writing one');
    expect(replaced.map((e) => e['problem'])).toEqual([
      'the value (32 characters) is not base64',
      'the value decodes to 16 bytes; munge needs 32 to 1024',
    ]);
  });

  it('a secret named rather than given by ARN: the physical id is still the full ARN', async () => {
    const arn = await emptySecret('by-name');
    const answer = await run(createEvent({ SecretArn: 'by-name' }));
    expect(answer.PhysicalResourceId).toBe(arn);
    expectMungeKey((await current(arn)).value);
  });

  it('Delete touches neither the secret nor its key', async () => {
    const arn = await emptySecret();
    await run(createEvent({ SecretArn: arn }));
    const before = await current(arn);
    expect(await run(deleteEvent(arn, { SecretArn: arn }))).toEqual({ PhysicalResourceId: arn });
    expect(await current(arn)).toEqual(before);
    const described = await sm.send(new DescribeSecretCommand({ SecretId: arn }));
    expect(described.DeletedDate).toBeUndefined();
  });

  it('a missing secret fails naming the call and the reason', async () => {
    await expect(
      onEvent(createEvent({ SecretArn: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:gone-AbCdEf' })),
    ).rejects.toThrow(/^Secrets Manager DescribeSecret failed: ResourceNotFoundException: /);
  });

  it('a secret scheduled for deletion fails with a way out instead of writing a key nobody will keep', async () => {
    const arn = await emptySecret();
    await sm.send(new DeleteSecretCommand({ SecretId: arn, RecoveryWindowInDays: 7 }));
    await expect(onEvent(createEvent({ SecretArn: arn }))).rejects.toThrow(
      new RegExp(`^Secret ${arn.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is scheduled for deletion .*RestoreSecret`),
    );
  });

  it('no key value ever reaches a log line or an answer', () => {
    expect(seenKeys.length).toBeGreaterThan(10);
    const logged = logs.lines.join('\n');
    const answered = answers.join('\n');
    expect(logs.lines.length).toBeGreaterThan(20);
    for (const key of seenKeys) {
      // Any 24-character stretch would already be a leak; checking the start and middle of each key covers that.
      for (const piece of [key, key.slice(0, 24), key.slice(600, 624)].filter((p) => p.length === 24 || p === key)) {
        expect(logged).not.toContain(piece);
        expect(answered).not.toContain(piece);
      }
    }
  });
});
