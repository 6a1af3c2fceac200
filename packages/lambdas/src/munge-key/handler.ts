import { randomUUID } from 'node:crypto';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  type DescribeSecretResponse,
} from '@aws-sdk/client-secrets-manager';
import { awsCall } from '../runtime/aws-call.js';
import { AwsCallError } from '../runtime/errors.js';
import { onEventHandler, type HandlerContext } from '../runtime/handler.js';
import { MUNGE_KEY_ATTRIBUTES, MUNGE_KEY_BYTES } from '../properties.js';
import { mungeKeyProblem, newMungeKey } from './key.js';
import { parseMungeKeyProps, type MungeKeyProps } from './props.js';

// Region, credentials and endpoint (AWS_ENDPOINT_URL) come from the environment when first used.
const secrets = new SecretsManagerClient({});

/** Budget of one invocation when no Lambda context says otherwise: three calls, with throttling retries. */
const ON_EVENT_BUDGET_MS = 60_000;
const CURRENT = 'AWSCURRENT';
const NOT_FOUND = 'ResourceNotFoundException';

type Outcome = 'kept' | 'written' | 'rotated';

/**
 * Create → writes a new key (base64 of 1024 random bytes) into the secret unless it already holds a valid one,
 * so a repeated Create keeps the key of the first. Update → keeps the key, unless `RotationToken` changed (then a
 * new one) or the secret holds no valid key (then a first one). Delete → nothing: the secret's own removal policy
 * decides what happens to it. Physical id: the secret's ARN. The key is never logged nor returned.
 */
export const onEvent = onEventHandler('munge-key', ON_EVENT_BUDGET_MS, async (event, ctx) => {
  if (event.RequestType === 'Delete') {
    ctx.log.info('Delete leaves the secret and its key alone (the secret\'s removal policy governs it)');
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const props = parseMungeKeyProps(event.ResourceProperties);
  const rotate = event.RequestType === 'Update' && rotationRequested(props, event.OldResourceProperties);
  const { arn, outcome, versionId } = await ensureKey(props.secretId, rotate, ctx);
  ctx.log.info(`munge key ${outcome}`, { secretArn: arn, versionId, outcome });
  return { PhysicalResourceId: arn, Data: { [MUNGE_KEY_ATTRIBUTES.secretArn]: arn } };
});

/** Only a token that changed asks for a new key; unreadable old properties (a failed Create) never do. */
function rotationRequested(props: MungeKeyProps, oldRaw: Readonly<Record<string, unknown>> | undefined): boolean {
  try {
    return parseMungeKeyProps(oldRaw).rotationToken !== props.rotationToken;
  } catch {
    return false;
  }
}

async function ensureKey(secretId: string, rotate: boolean, ctx: HandlerContext): Promise<{ arn: string; outcome: Outcome; versionId?: string }> {
  const described = await awsCall(
    'Secrets Manager DescribeSecret',
    (abortSignal) => secrets.send(new DescribeSecretCommand({ SecretId: secretId }), { abortSignal }),
    ctx,
  );
  const arn = described.ARN ?? secretId;
  if (described.DeletedDate) {
    throw new Error(
      `Secret ${arn} is scheduled for deletion (since ${described.DeletedDate.toISOString()}); restore it with RestoreSecret ` +
        'or let the stack create a new one before a munge key can be written',
    );
  }
  const currentVersion = currentVersionOf(described);
  if (rotate) {
    ctx.log.info('RotationToken changed: writing a new key', { secretArn: arn, previousVersionId: currentVersion });
    return { arn, outcome: 'rotated', versionId: await writeKey(arn, ctx) };
  }
  if (currentVersion !== undefined) {
    const problem = await currentKeyProblem(arn, ctx);
    if (problem === undefined) return { arn, outcome: 'kept', versionId: currentVersion };
    ctx.log.warn('the secret holds no valid munge key; writing one', { secretArn: arn, versionId: currentVersion, problem });
  }
  return { arn, outcome: 'written', versionId: await writeKey(arn, ctx) };
}

function currentVersionOf(described: DescribeSecretResponse): string | undefined {
  const entry = Object.entries(described.VersionIdsToStages ?? {}).find(([, stages]) => stages?.includes(CURRENT));
  return entry?.[0];
}

/** Undefined when the current value is a usable key; otherwise why not (in words that never quote the value). */
async function currentKeyProblem(arn: string, ctx: HandlerContext): Promise<string | undefined> {
  try {
    const value = await awsCall(
      'Secrets Manager GetSecretValue',
      (abortSignal) => secrets.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: CURRENT }), { abortSignal }),
      { ...ctx, expectedErrors: [NOT_FOUND] },
    );
    return mungeKeyProblem(value.SecretString);
  } catch (error) {
    // A version listed a moment ago but without a value (an empty secret being filled elsewhere): no key yet.
    if (error instanceof AwsCallError && error.causeName === NOT_FOUND) return 'no current value';
    throw error;
  }
}

/**
 * One key and one request token for every attempt: a retry after a lost answer is the same request to Secrets
 * Manager (which ignores a repeated token with the same value) instead of a second, different key.
 */
async function writeKey(arn: string, ctx: HandlerContext): Promise<string | undefined> {
  const request = { SecretId: arn, SecretString: newMungeKey(), ClientRequestToken: randomUUID() };
  const result = await awsCall(
    'Secrets Manager PutSecretValue',
    (abortSignal) => secrets.send(new PutSecretValueCommand(request), { abortSignal }),
    ctx,
  );
  ctx.log.debug('key written', { secretArn: arn, versionId: result.VersionId, keyBytes: MUNGE_KEY_BYTES });
  return result.VersionId;
}
