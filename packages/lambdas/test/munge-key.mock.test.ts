import 'aws-sdk-client-mock-vitest/extend';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  type PutSecretValueCommandInput,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { onEvent } from '../src/munge-key/handler.js';
import { awsError, throttled } from './support/aws-errors.js';
import { createEvent, deleteEvent, lambdaContext, updateEvent } from './support/events.js';
import { captureLogs } from './support/logs.js';

const ARN = 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:hpc-ha-munge-AbCdEf';
const VERSION = '11111111-2222-4333-8444-555555555555';
const EMPTY = { ARN, Name: 'hpc-ha-munge' };
const FILLED = { ...EMPTY, VersionIdsToStages: { [VERSION]: ['AWSCURRENT'] } };
const DENIED = (action: string) =>
  awsError(
    'AccessDeniedException',
    `User: arn:aws-cn:sts::123456789012:assumed-role/munge/fn is not authorized to perform: secretsmanager:${action} on resource: ${ARN}`,
  );

const sm = mockClient(SecretsManagerClient);

describe('munge-key handler: faults moto cannot make (aws-sdk-client-mock)', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeAll(() => {
    logs = captureLogs();
  });
  afterAll(() => logs.restore());
  beforeEach(() => {
    sm.reset();
    logs.lines.length = 0;
  });

  function putInputs(): PutSecretValueCommandInput[] {
    return sm.commandCalls(PutSecretValueCommand).map((call) => call.args[0].input);
  }

  it('rides out throttling on PutSecretValue, sending the same key and request token on every attempt', async () => {
    sm.on(DescribeSecretCommand).resolves(EMPTY);
    sm.on(PutSecretValueCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves({ ARN, VersionId: VERSION });
    const answer = await onEvent(createEvent({ SecretArn: ARN }));
    expect(answer).toEqual({ PhysicalResourceId: ARN, Data: { SecretArn: ARN } });
    const inputs = putInputs();
    expect(inputs).toHaveLength(3);
    // One key, one token: Secrets Manager treats a repeat after a lost answer as the same request.
    expect(new Set(inputs.map((i) => i.SecretString)).size).toBe(1);
    expect(new Set(inputs.map((i) => i.ClientRequestToken)).size).toBe(1);
    expect(inputs[0]!.ClientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(Buffer.from(inputs[0]!.SecretString!, 'base64')).toHaveLength(1024);
    const retries = logs.entries().filter((e) => e['msg'] === 'AWS call will be retried');
    expect(retries.map((e) => [e['call'], e['error']])).toEqual([
      ['Secrets Manager PutSecretValue', 'ThrottlingException'],
      ['Secrets Manager PutSecretValue', 'ThrottlingException'],
    ]);
    expect(logs.lines.join('\n')).not.toContain(inputs[0]!.SecretString!.slice(0, 24));
  });

  it('fails with the call and the reason when throttling outlasts the retries, within the Lambda budget', async () => {
    sm.on(DescribeSecretCommand).rejects(throttled());
    const started = Date.now();
    await expect(onEvent(createEvent({ SecretArn: ARN }), lambdaContext(8_000))).rejects.toThrow(
      'Secrets Manager DescribeSecret failed: ThrottlingException: Rate exceeded',
    );
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(sm).not.toHaveReceivedCommand(PutSecretValueCommand);
  });

  it('access denied on PutSecretValue fails at once, naming the call and the missing permission', async () => {
    sm.on(DescribeSecretCommand).resolves(EMPTY);
    sm.on(PutSecretValueCommand).rejects(DENIED('PutSecretValue'));
    await expect(onEvent(createEvent({ SecretArn: ARN }))).rejects.toThrow(
      /^Secrets Manager PutSecretValue failed: AccessDeniedException: .*not authorized to perform: secretsmanager:PutSecretValue/,
    );
    expect(sm).toHaveReceivedCommandTimes(PutSecretValueCommand, 1);
    const failure = logs.entries().find((e) => e['msg'] === 'AWS call failed');
    expect(failure).toMatchObject({ level: 'error', call: 'Secrets Manager PutSecretValue', error: 'AccessDeniedException', attempts: 1 });
    expect(logs.lines.join('\n')).not.toContain(putInputs()[0]!.SecretString!.slice(0, 24));
  });

  it('a key it cannot read is never overwritten: access denied on GetSecretValue fails without a write', async () => {
    sm.on(DescribeSecretCommand).resolves(FILLED);
    sm.on(GetSecretValueCommand).rejects(DENIED('GetSecretValue'));
    await expect(onEvent(updateEvent(ARN, { SecretArn: ARN }, { SecretArn: ARN }))).rejects.toThrow(
      /^Secrets Manager GetSecretValue failed: AccessDeniedException: /,
    );
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    expect(sm).not.toHaveReceivedCommand(PutSecretValueCommand);
  });

  it('nor is one it cannot decrypt (KMS)', async () => {
    sm.on(DescribeSecretCommand).resolves(FILLED);
    sm.on(GetSecretValueCommand).rejects(awsError('DecryptionFailure', 'Secrets Manager can\'t decrypt the protected secret text using the provided KMS key.'));
    await expect(onEvent(createEvent({ SecretArn: ARN }))).rejects.toThrow(/^Secrets Manager GetSecretValue failed: DecryptionFailure: /);
    expect(sm).not.toHaveReceivedCommand(PutSecretValueCommand);
  });

  it('a current version without a value (not found on read) counts as no key yet', async () => {
    sm.on(DescribeSecretCommand).resolves(FILLED);
    sm.on(GetSecretValueCommand).rejects(awsError('ResourceNotFoundException', 'Secrets Manager can\'t find the specified secret value for staging label: AWSCURRENT'));
    sm.on(PutSecretValueCommand).resolves({ ARN, VersionId: 'v2' });
    await onEvent(createEvent({ SecretArn: ARN }));
    expect(sm).toHaveReceivedCommandTimes(PutSecretValueCommand, 1);
    expect(logs.entries().some((e) => e['msg'] === 'AWS call failed')).toBe(false);
  });

  it('a call that never answers ends with a timeout error before the Lambda would be killed', async () => {
    sm.on(DescribeSecretCommand).callsFake(() => new Promise(() => undefined));
    const started = Date.now();
    await expect(onEvent(createEvent({ SecretArn: ARN }), lambdaContext(7_000))).rejects.toThrow(
      /^Secrets Manager DescribeSecret failed: TimeoutError: no answer within \d+ ms$/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('Delete makes no AWS call at all, even after a failed Create', async () => {
    expect(await onEvent(deleteEvent(ARN, { SecretArn: ARN }))).toEqual({ PhysicalResourceId: ARN });
    expect(await onEvent(deleteEvent('req-123', {}))).toEqual({ PhysicalResourceId: 'req-123' });
    expect(sm.calls()).toHaveLength(0);
  });

  it('lists every bad property in one error, before any AWS call', async () => {
    await expect(onEvent(createEvent({ RotationToken: 7 }))).rejects.toThrow(
      'Invalid munge key properties:\n  - SecretArn: is required\n  - RotationToken: must be a string, got number',
    );
    await expect(onEvent(createEvent({ SecretArn: 'not a secret!' }))).rejects.toThrow('SecretArn: must be a Secrets Manager secret ARN or name');
    expect(sm.calls()).toHaveLength(0);
  });
});
