import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DescribeInstanceTypeOfferingsCommand, DescribeInstanceTypesCommand, EC2Client, type _InstanceType } from '@aws-sdk/client-ec2';
import { DescribeOrderableDBInstanceOptionsCommand, RDSClient } from '@aws-sdk/client-rds';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { enginframePortal, loadDeploymentConfig, type DeploymentConfig } from '@hpc-ha/infra/config';
import { mockClient } from 'aws-sdk-client-mock';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDoctor, type CheckResult, type DoctorClients } from './checks.js';

const EXAMPLE = fileURLToPath(new URL('../../../../examples/cn-north-1.yaml', import.meta.url));
const config = loadDeploymentConfig(EXAMPLE);
const region = { region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } };

const mocks = {
  sts: mockClient(STSClient),
  ssm: mockClient(SSMClient),
  secrets: mockClient(SecretsManagerClient),
  ec2: mockClient(EC2Client),
  rds: mockClient(RDSClient),
  s3: mockClient(S3Client),
};

function clients(extra: Partial<DoctorClients> = {}): DoctorClients {
  return {
    sts: new STSClient(region),
    ssm: new SSMClient(region),
    secrets: new SecretsManagerClient(region),
    ec2: new EC2Client(region),
    rds: new RDSClient(region),
    s3: new S3Client(region),
    cloudformation: new CloudFormationClient(region),
    ...extra,
  };
}

/** A healthy Beijing account: what moto cannot model (China offerings, aurora-mysql orderability). */
function healthyChinaAccount(offerings: [string, string][] | undefined = undefined): void {
  mocks.sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws-cn:iam::123456789012:user/admin' });
  mocks.ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '28' } });
  mocks.secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ efadminPassword: 'x'.repeat(16) }) });
  const all: [string, string][] = offerings ?? ['m5.xlarge', 'c5.xlarge', 'c5.4xlarge', 'r5.2xlarge', 'c5n.18xlarge'].flatMap((t) => [[t, 'cn-north-1a'], [t, 'cn-north-1b']] as [string, string][]);
  mocks.ec2.on(DescribeInstanceTypeOfferingsCommand).resolves({ InstanceTypeOfferings: all.map(([t, Location]) => ({ InstanceType: t as _InstanceType, Location, LocationType: 'availability-zone' as const })) });
  mocks.ec2.on(DescribeInstanceTypesCommand).callsFake((input: { InstanceTypes: string[] }) => ({
    InstanceTypes: input.InstanceTypes.map((t) => ({ InstanceType: t, ProcessorInfo: { SupportedArchitectures: ['x86_64'] } })),
  }));
  mocks.rds.on(DescribeOrderableDBInstanceOptionsCommand).resolves({
    OrderableDBInstanceOptions: [
      { EngineVersion: '8.0.mysql_aurora.3.08.0', DBInstanceClass: 'db.serverless', AvailabilityZones: [{ Name: 'cn-north-1a' }, { Name: 'cn-north-1b' }, { Name: 'cn-north-1d' }] },
    ],
  });
  mocks.s3.on(HeadObjectCommand).resolves({ ContentLength: 123 });
}

const byTitle = (results: CheckResult[], title: string) => results.find((r) => r.title === title);

beforeEach(() => {
  for (const m of Object.values(mocks)) m.reset();
});
afterEach(() => {
  for (const m of Object.values(mocks)) m.reset();
});

describe('doctor checks (aws-sdk-client-mock: China offerings and aurora-mysql orderability are beyond moto)', () => {
  it('a ready Beijing account passes every check', async () => {
    healthyChinaAccount();
    const results = await runDoctor(config, clients());
    expect(results.filter((r) => r.status !== 'ok')).toEqual([]);
    expect(byTitle(results, 'Aurora Serverless v2')?.detail).toBe('db.serverless orderable for Aurora MySQL 3 in cn-north-1');
    expect(results.map((r) => r.title)).toEqual([
      'AWS credentials',
      'CDK bootstrap',
      'admin password secret',
      'instance type m5.xlarge',
      'instance type c5.xlarge',
      'instance type c5.4xlarge',
      'instance type r5.2xlarge',
      'instance type c5n.18xlarge',
      'Aurora Serverless v2',
      'EnginFrame installer',
      'JDBC driver',
    ]);
  });

  it('global-partition credentials for a China region fail the credentials check and skip the rest', async () => {
    healthyChinaAccount();
    mocks.sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/admin' });
    const results = await runDoctor(config, clients());
    expect(results[0]).toMatchObject({ status: 'fail', title: 'AWS credentials' });
    expect(results[0]!.detail).toContain('is in partition aws, but cn-north-1 is in aws-cn');
    expect(results[1]).toMatchObject({ status: 'skip' });
    expect(mocks.ssm.calls()).toHaveLength(0);
  });

  it('a type only one AZ offers is fine for that AZ\'s own queue, and a ✗ naming the cluster for a shared one', async () => {
    const offerings: [string, string][] = [
      ...['m5.xlarge', 'c5.xlarge', 'c5.4xlarge'].flatMap((t) => [[t, 'cn-north-1a'], [t, 'cn-north-1b']] as [string, string][]),
      ['c5n.18xlarge', 'cn-north-1a'], // only cluster1's override queue uses it
      ['r5.2xlarge', 'cn-north-1a'], // but both clusters' "memory" queue needs it
    ];
    healthyChinaAccount(offerings);
    const results = await runDoctor(config, clients());
    expect(byTitle(results, 'instance type c5n.18xlarge')?.status).toBe('ok');
    const r5 = byTitle(results, 'instance type r5.2xlarge')!;
    expect(r5).toMatchObject({ status: 'fail', detail: 'not offered in cn-north-1b (cluster2 queue memory)' });
    expect(r5.fix).toContain('clusters.overrides');
  });

  it('a type that is not x86_64 (e.g. a Graviton family newer than the validator\'s table) fails', async () => {
    healthyChinaAccount();
    mocks.ec2.on(DescribeInstanceTypesCommand).resolves({
      InstanceTypes: ['m5.xlarge', 'c5.xlarge', 'c5.4xlarge', 'r5.2xlarge', 'c5n.18xlarge'].map((t) => ({ InstanceType: t as _InstanceType, ProcessorInfo: { SupportedArchitectures: t === 'r5.2xlarge' ? ['arm64' as const] : ['x86_64' as const] } })),
    });
    const results = await runDoctor(config, clients());
    expect(byTitle(results, 'instance type r5.2xlarge')).toMatchObject({ status: 'fail', detail: 'is arm64, not x86_64' });
  });

  it('Aurora: no Aurora MySQL 3 option, or none in one of the AZs, fails with the command that lists classes', async () => {
    healthyChinaAccount();
    mocks.rds.on(DescribeOrderableDBInstanceOptionsCommand).resolves({ OrderableDBInstanceOptions: [{ EngineVersion: '5.7.mysql_aurora.2.12.0', DBInstanceClass: 'db.serverless' }] });
    let aurora = byTitle(await runDoctor(config, clients()), 'Aurora Serverless v2')!;
    expect(aurora.status).toBe('fail');
    expect(aurora.fix).toContain('aws rds describe-orderable-db-instance-options --engine aurora-mysql');
    mocks.rds.on(DescribeOrderableDBInstanceOptionsCommand).resolves({
      OrderableDBInstanceOptions: [{ EngineVersion: '8.0.mysql_aurora.3.08.0', DBInstanceClass: 'db.serverless', AvailabilityZones: [{ Name: 'cn-north-1a' }] }],
    });
    aurora = byTitle(await runDoctor(config, clients()), 'Aurora Serverless v2')!;
    expect(aurora).toMatchObject({ status: 'fail', detail: 'db.serverless is not orderable in cn-north-1b' });
  });

  it('provisioned mode checks its instance class', async () => {
    healthyChinaAccount();
    const provisioned: DeploymentConfig = { ...config, database: { ...config.database, mode: 'provisioned', instanceType: 'db.r6g.large' } };
    const results = await runDoctor(provisioned, clients());
    expect(byTitle(results, 'Aurora instance class db.r6g.large')?.status).toBe('ok');
    expect(mocks.rds.commandCalls(DescribeOrderableDBInstanceOptionsCommand)[0]!.args[0].input.DBInstanceClass).toBe('db.r6g.large');
  });

  it('a secret without the expected key, or not JSON, fails without showing its value', async () => {
    healthyChinaAccount();
    mocks.secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ password: 'Hidden-canary-123!' }) });
    let secret = byTitle(await runDoctor(config, clients()), 'admin password secret')!;
    expect(secret).toMatchObject({ status: 'fail' });
    expect(secret.detail).toContain('has no "efadminPassword" key');
    expect(JSON.stringify(secret)).not.toContain('Hidden-canary-123!');
    mocks.secrets.on(GetSecretValueCommand).resolves({ SecretString: 'Hidden-canary-123!' });
    secret = byTitle(await runDoctor(config, clients()), 'admin password secret')!;
    expect(secret.detail).toContain('is not JSON');
    expect(JSON.stringify(secret)).not.toContain('Hidden-canary-123!');
  });

  it('an old CDK bootstrap version fails with the bootstrap command', async () => {
    healthyChinaAccount();
    mocks.ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '4' } });
    const boot = byTitle(await runDoctor(config, clients()), 'CDK bootstrap')!;
    expect(boot).toMatchObject({ status: 'fail', fix: 'npx cdk bootstrap aws://123456789012/cn-north-1' });
  });

  it('S3: a bucket in another region and access denied get their own fixes', async () => {
    healthyChinaAccount();
    mocks.s3.on(HeadObjectCommand).rejects(Object.assign(new Error('Moved'), { name: 'PermanentRedirect', $metadata: { httpStatusCode: 301 } }));
    let r = byTitle(await runDoctor(config, clients()), 'EnginFrame installer')!;
    expect(r.fix).toBe('stage the file in a bucket of cn-north-1');
    mocks.s3.on(HeadObjectCommand).rejects(Object.assign(new Error('Forbidden'), { name: '403', $metadata: { httpStatusCode: 403 } }));
    r = byTitle(await runDoctor(config, clients()), 'JDBC driver')!;
    expect(r.detail).toContain('access denied');
  });

  it('https:// artefacts are checked with a HEAD request', async () => {
    healthyChinaAccount();
    const https: DeploymentConfig = { ...config, portal: { ...enginframePortal(config), jdbcDriver: { uri: 'https://downloads.example.com/mysql-connector-j.jar' } } };
    const seen: string[] = [];
    const fakeFetch = (async (url: string | URL | Request, init?: RequestInit) => {
      seen.push(`${init?.method} ${String(url)}`);
      return new Response(null, { status: 404 });
    }) as typeof fetch;
    const r = byTitle(await runDoctor(https, clients({ fetch: fakeFetch })), 'JDBC driver')!;
    expect(seen).toEqual(['HEAD https://downloads.example.com/mysql-connector-j.jar']);
    expect(r).toMatchObject({ status: 'fail', detail: 'https://downloads.example.com/mysql-connector-j.jar: HTTP 404' });
  });
});
