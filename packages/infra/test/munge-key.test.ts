/**
 * The munge key construct on its own (fast, no full app): the key is written at deploy time by the bundled
 * `munge-key` handler of @hpc-ha/lambdas, never by the template; least-privilege IAM; cdk-nag clean.
 * Sharing by both clusters and the portal is checked on the full example apps (examples.test.ts, variants.test.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnOutput, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { handlerBundleDir } from '@hpc-ha/lambdas';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { MungeKeySecret, type MungeKeySecretProps } from '../src/constructs/munge-key.js';
import { keyLikeStrings } from './support/munge-key.js';
import { resourcesOfType, type CfnTemplate } from './support/synth.js';

const outdirs: string[] = [];
afterAll(() => outdirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** One stack holding the construct and a consumer of its ARN, synthesized through cdk-nag like the real app. */
function synth(extra: Partial<MungeKeySecretProps> = {}): { template: CfnTemplate; outdir: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'hpc-ha-munge-'));
  outdirs.push(outdir);
  const app = new App({ outdir });
  const stack = new Stack(app, 'Keys', { env: { region: 'cn-north-1' } });
  const key = new MungeKeySecret(stack, 'MungeKey', { logRetention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.RETAIN, ...extra });
  new CfnOutput(stack, 'MungeKeySecretArn', { value: key.secretArn });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth();
  return { template: assembly.getStackByName(stack.stackName).template as CfnTemplate, outdir };
}

const { template, outdir } = synth();
const only = <T>(list: [string, T][]): [string, T] => {
  expect(list).toHaveLength(1);
  return list[0]!;
};

describe('MungeKeySecret', () => {
  it('creates the secret empty: no value, no generated placeholder, nothing key-like anywhere in the template', () => {
    const [, secret] = only(resourcesOfType(template, 'AWS::SecretsManager::Secret'));
    expect(Object.keys(secret.Properties ?? {})).toEqual(['Description']);
    expect(keyLikeStrings(template)).toEqual([]);
    expect(JSON.stringify(template)).not.toMatch(/SecretString|randomBytes/);
  });

  it('has the key written at deploy time by the bundled munge-key handler, not by inline code', () => {
    const [secretId] = only(resourcesOfType(template, 'AWS::SecretsManager::Secret'));
    const [keyId, key] = only(resourcesOfType(template, 'Custom::MungeKey'));
    expect(key.Properties).toEqual({ ServiceToken: expect.anything(), SecretArn: { Ref: secretId } });
    // Readers get the ARN from the resource's attribute, so they wait until the key exists.
    expect(template.Outputs?.['MungeKeySecretArn']?.Value).toEqual({ 'Fn::GetAtt': [keyId, 'SecretArn'] });

    const functions = resourcesOfType(template, 'AWS::Lambda::Function');
    expect(functions.filter(([, f]) => f.Properties.Code.ZipFile !== undefined)).toEqual([]);
    const [, onEvent] = only(functions.filter(([, f]) => f.Properties.Handler === 'index.onEvent'));
    expect(onEvent.Properties.Runtime).toBe('nodejs22.x');
    const assetHash = (onEvent.Properties.Code.S3Key as string).replace(/\.zip$/, '');
    const shipped = readFileSync(join(outdir, `asset.${assetHash}`, 'index.mjs'));
    expect(shipped.equals(readFileSync(join(handlerBundleDir('munge-key'), 'index.mjs')))).toBe(true);
    expect(shipped.toString('utf8')).toContain('PutSecretValue');
  });

  it('lets the handler touch only that one secret, and only to describe, read and write it', () => {
    const [secretId] = only(resourcesOfType(template, 'AWS::SecretsManager::Secret'));
    const statements = resourcesOfType(template, 'AWS::IAM::Policy').flatMap(
      ([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
    const secretStatements = statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('secretsmanager:')));
    expect(secretStatements).toEqual([
      {
        Effect: 'Allow',
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
        Resource: { Ref: secretId },
      },
    ]);
    const roles = resourcesOfType(template, 'AWS::IAM::Role').filter(([, r]) => r.Properties.Description === 'hpc-ha munge-key custom resource');
    expect(roles).toHaveLength(1);
  });

  it('passes a rotation token through as RotationToken, and only when given', () => {
    const rotated = synth({ rotationToken: '2025-06' }).template;
    const [, key] = only(resourcesOfType(rotated, 'Custom::MungeKey'));
    expect(key.Properties.RotationToken).toBe('2025-06');
    const [, plain] = only(resourcesOfType(template, 'Custom::MungeKey'));
    expect(plain.Properties).not.toHaveProperty('RotationToken');
  });

  it('keeps the secret\'s removal policy from the caller', () => {
    const [, secret] = only(resourcesOfType(template, 'AWS::SecretsManager::Secret'));
    expect(secret).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});
