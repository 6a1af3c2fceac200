import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DescribeInstanceTypeOfferingsCommand, DescribeInstanceTypesCommand, DescribeKeyPairsCommand, type EC2Client, type _InstanceType } from '@aws-sdk/client-ec2';
import { DescribeOrderableDBInstanceOptionsCommand, type RDSClient } from '@aws-sdk/client-rds';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { clusterPlans, enginframePortal, type DeploymentConfig } from '@hpc-ha/infra/config';
import { classifyAwsError, CREDENTIALS_HINT, isConnectivityFailure } from '../aws-failure.js';

/** The SDK clients doctor uses, injected so tests can hand in clients pointed at moto or mocked. */
export interface DoctorClients {
  sts: STSClient;
  ssm: SSMClient;
  secrets: SecretsManagerClient;
  ec2: EC2Client;
  rds: RDSClient;
  s3: S3Client;
  cloudformation?: CloudFormationClient;
  /** HEAD for https:// artefact URLs; defaults to global fetch. */
  fetch?: typeof fetch;
}

export interface CheckResult {
  readonly status: 'ok' | 'fail' | 'skip';
  readonly title: string;
  readonly detail: string;
  /** What to do about a failure. */
  readonly fix?: string;
}

const ok = (title: string, detail: string): CheckResult => ({ status: 'ok', title, detail });
const fail = (title: string, detail: string, fix: string): CheckResult => ({ status: 'fail', title, detail, fix });
const skip = (title: string, detail: string): CheckResult => ({ status: 'skip', title, detail });

function errName(e: unknown): string {
  return e instanceof Error ? e.name : 'Error';
}
function errText(e: unknown): string {
  return classifyAwsError(e).message;
}

/** CDK's default bootstrap qualifier and the oldest bootstrap stack DefaultStackSynthesizer accepts. */
export const BOOTSTRAP_QUALIFIER = 'hnb659fds';
export const MIN_BOOTSTRAP_VERSION = 6;

async function credentials(config: DeploymentConfig, c: DoctorClients): Promise<{ result: CheckResult; account?: string; unreachable?: boolean }> {
  const title = 'AWS credentials';
  try {
    const id = await c.sts.send(new GetCallerIdentityCommand({}));
    const partition = id.Arn?.split(':')[1] ?? '?';
    if (partition !== config.partition) {
      return {
        result: fail(title, `${id.Arn} is in partition ${partition}, but ${config.region} is in ${config.partition}`, `use credentials of an ${config.partition} account (AWS_PROFILE=<a profile of that partition>)`),
      };
    }
    if (config.account !== undefined && id.Account !== config.account) {
      return { result: fail(title, `${id.Arn} is account ${id.Account}, the config says account ${config.account}`, 'switch AWS_PROFILE to that account, or fix `account:` in the config') };
    }
    return { result: ok(title, `${id.Arn} (account ${id.Account}, partition ${partition})`), ...(id.Account ? { account: id.Account } : {}) };
  } catch (e) {
    const f = classifyAwsError(e);
    if (isConnectivityFailure(f)) return { result: fail(title, `cannot check: ${f.message}`, f.hint ?? ''), unreachable: true };
    return { result: fail(title, `none usable: ${errText(e)}`, CREDENTIALS_HINT) };
  }
}

async function bootstrap(config: DeploymentConfig, account: string, c: DoctorClients): Promise<CheckResult> {
  const title = 'CDK bootstrap';
  const name = `/cdk-bootstrap/${BOOTSTRAP_QUALIFIER}/version`;
  const fix = `npx cdk bootstrap aws://${account}/${config.region}`;
  try {
    const p = await c.ssm.send(new GetParameterCommand({ Name: name }));
    const version = Number(p.Parameter?.Value);
    if (!Number.isFinite(version) || version < MIN_BOOTSTRAP_VERSION) {
      return fail(title, `${name} is ${p.Parameter?.Value ?? 'empty'}; version ${MIN_BOOTSTRAP_VERSION} or later is needed`, fix);
    }
    return ok(title, `${name} = ${version}`);
  } catch (e) {
    if (errName(e) === 'ParameterNotFound') return fail(title, `${name} not found: ${config.region} is not bootstrapped`, fix);
    return fail(title, `cannot read ${name}: ${errText(e)}`, 'the caller needs ssm:GetParameter');
  }
}

async function adminSecret(config: DeploymentConfig, c: DoctorClients): Promise<CheckResult> {
  const title = 'admin password secret';
  const { adminPasswordSecretArn: arn, adminPasswordSecretKey: key } = enginframePortal(config);
  try {
    const value = await c.secrets.send(new GetSecretValueCommand({ SecretId: arn }));
    let parsed: unknown;
    try {
      parsed = JSON.parse(value.SecretString ?? '');
    } catch {
      return fail(title, `${arn} is not JSON`, `store it as {"${key}": "<password>"}, e.g. with \`hpc-ha secret create\``);
    }
    const field = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>)[key] : undefined;
    if (typeof field !== 'string' || field === '') {
      return fail(title, `${arn} has no "${key}" key`, `store it as {"${key}": "<password>"}, or set portal.adminPasswordSecretKey to the key it has`);
    }
    return ok(title, `${arn} has the "${key}" key`);
  } catch (e) {
    if (errName(e) === 'ResourceNotFoundException') {
      return fail(title, `${arn} does not exist`, `create it: hpc-ha secret create --write-config -c ${config.sourceFile}`);
    }
    return fail(title, `cannot read ${arn}: ${errText(e)}`, 'the caller needs secretsmanager:GetSecretValue (and kms:Decrypt for a customer key)');
  }
}

async function keyPair(config: DeploymentConfig, c: DoctorClients): Promise<CheckResult | undefined> {
  const keyName = config.portal.keyName;
  if (keyName === undefined) return undefined;
  const title = 'EC2 key pair';
  try {
    const r = await c.ec2.send(new DescribeKeyPairsCommand({ KeyNames: [keyName] }));
    return (r.KeyPairs?.length ?? 0) > 0 ? ok(title, `${keyName} exists`) : fail(title, `${keyName} not found in ${config.region}`, `import it: aws ec2 import-key-pair --key-name ${keyName} --public-key-material fileb://key.pub --region ${config.region}, or remove portal.keyName`);
  } catch (e) {
    if (errName(e) === 'InvalidKeyPair.NotFound') {
      return fail(title, `${keyName} not found in ${config.region}`, `import it: aws ec2 import-key-pair --key-name ${keyName} --public-key-material fileb://key.pub --region ${config.region}, or remove portal.keyName`);
    }
    return fail(title, `cannot check ${keyName}: ${errText(e)}`, 'the caller needs ec2:DescribeKeyPairs');
  }
}

/** Which AZs each instance type must be offered in, and who needs it there (for the message). */
export function instanceTypeNeeds(config: DeploymentConfig): Map<string, Map<string, string[]>> {
  const needs = new Map<string, Map<string, string[]>>();
  const need = (type: string, az: string, who: string) => {
    const byAz = needs.get(type) ?? new Map<string, string[]>();
    needs.set(type, byAz);
    byAz.set(az, [...(byAz.get(az) ?? []), who]);
  };
  for (const az of config.network.availabilityZones) need(config.portal.instanceType, az, 'portal');
  for (const plan of clusterPlans(config)) {
    need(config.clusters.headNode.instanceType, plan.availabilityZone, `${plan.id} head node`);
    for (const q of plan.queues) for (const r of q.computeResources) need(r.instanceType, plan.availabilityZone, `${plan.id} queue ${q.name}`);
  }
  return needs;
}

async function instanceTypes(config: DeploymentConfig, c: DoctorClients): Promise<CheckResult[]> {
  const needs = instanceTypeNeeds(config);
  const types = [...needs.keys()];
  const offered = new Map<string, Set<string>>();
  try {
    let token: string | undefined;
    do {
      const page = await c.ec2.send(
        new DescribeInstanceTypeOfferingsCommand({
          LocationType: 'availability-zone',
          Filters: [
            { Name: 'location', Values: [...config.network.availabilityZones] },
            { Name: 'instance-type', Values: types },
          ],
          ...(token ? { NextToken: token } : {}),
        }),
      );
      for (const o of page.InstanceTypeOfferings ?? []) {
        if (!o.InstanceType || !o.Location) continue;
        offered.set(o.InstanceType, (offered.get(o.InstanceType) ?? new Set()).add(o.Location));
      }
      token = page.NextToken;
    } while (token);
  } catch (e) {
    return [fail('instance type offerings', `cannot list offerings: ${errText(e)}`, 'the caller needs ec2:DescribeInstanceTypeOfferings')];
  }
  const arch = new Map<string, string[]>();
  const known = types.filter((t) => offered.has(t));
  try {
    if (known.length > 0) {
      const r = await c.ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: known as _InstanceType[] }));
      for (const t of r.InstanceTypes ?? []) if (t.InstanceType) arch.set(t.InstanceType, t.ProcessorInfo?.SupportedArchitectures ?? []);
    }
  } catch (e) {
    return [fail('instance types', `cannot describe ${known.join(', ')}: ${errText(e)}`, 'the caller needs ec2:DescribeInstanceTypes')];
  }
  return types.map((type) => {
    const title = `instance type ${type}`;
    const byAz = needs.get(type)!;
    const missing = [...byAz.keys()].filter((az) => !offered.get(type)?.has(az));
    if (missing.length > 0) {
      const who = missing.map((az) => `${az} (${byAz.get(az)!.join(', ')})`).join('; ');
      const onlyCluster = [...byAz.values()].flat().every((w) => w.includes(' queue '));
      return fail(
        title,
        `not offered in ${who}`,
        onlyCluster
          ? 'move that queue to clusters.overrides.<the cluster whose AZ offers it>, or choose a type offered in both AZs'
          : 'choose an instance type offered in both Availability Zones, or other availabilityZones',
      );
    }
    const archs = arch.get(type) ?? [];
    if (!archs.includes('x86_64')) return fail(title, `is ${archs.join('/') || 'of unknown architecture'}, not x86_64`, 'EnginFrame and the clusters need x86_64: choose an Intel or AMD type');
    return ok(title, `x86_64, offered in ${[...byAz.keys()].join(', ')}`);
  });
}

async function aurora(config: DeploymentConfig, c: DoctorClients): Promise<CheckResult> {
  const cls = config.database.mode === 'serverless-v2' ? 'db.serverless' : (config.database.instanceType ?? '');
  const title = config.database.mode === 'serverless-v2' ? 'Aurora Serverless v2' : `Aurora instance class ${cls}`;
  const fix = `choose another class: aws rds describe-orderable-db-instance-options --engine aurora-mysql --query "OrderableDBInstanceOptions[?starts_with(EngineVersion,'8.0')].DBInstanceClass" --region ${config.region}`;
  try {
    let marker: string | undefined;
    const azs = new Set<string>();
    let found = false;
    do {
      const page = await c.rds.send(
        new DescribeOrderableDBInstanceOptionsCommand({ Engine: 'aurora-mysql', DBInstanceClass: cls, MaxRecords: 100, ...(marker ? { Marker: marker } : {}) }),
      );
      // Aurora MySQL 3 versions are 8.0.mysql_aurora.3.x.
      for (const o of page.OrderableDBInstanceOptions ?? []) {
        if (!o.EngineVersion?.startsWith('8.0')) continue;
        found = true;
        for (const az of o.AvailabilityZones ?? []) if (az.Name) azs.add(az.Name);
      }
      marker = page.Marker;
    } while (marker && !found);
    if (!found) return fail(title, `${cls} is not orderable for Aurora MySQL 3 in ${config.region}`, fix);
    const missing = config.network.availabilityZones.filter((az) => azs.size > 0 && !azs.has(az));
    if (missing.length > 0) return fail(title, `${cls} is not orderable in ${missing.join(', ')}`, `${fix}, or other availabilityZones`);
    return ok(title, `${cls} orderable for Aurora MySQL 3 in ${config.region}`);
  } catch (e) {
    return fail(title, `cannot check: ${errText(e)}`, 'the caller needs rds:DescribeOrderableDBInstanceOptions');
  }
}

function parseS3(uri: string): { bucket: string; key: string } | undefined {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  return m ? { bucket: m[1]!, key: m[2]! } : undefined;
}

/** The SHA-256 S3 stored for the whole object, as hex; undefined when it has none (or only a per-part one). */
function s3Sha256Hex(head: { ChecksumSHA256?: string; ChecksumType?: string }): string | undefined {
  const b64 = head.ChecksumSHA256;
  // A multipart upload's SHA-256 is of the parts' checksums ("…-<parts>"), not of the file.
  if (!b64 || head.ChecksumType === 'COMPOSITE' || /-\d+$/.test(b64)) return undefined;
  return Buffer.from(b64, 'base64').toString('hex');
}

async function artefact(what: string, location: { uri: string; sha256?: string }, config: DeploymentConfig, c: DoctorClients): Promise<CheckResult> {
  const title = what;
  const uri = location.uri;
  const s3 = parseS3(uri);
  if (s3) {
    try {
      // ChecksumMode returns the checksum S3 keeps when the object was uploaded with one (aws s3 cp
      // --checksum-algorithm SHA256), so a wrong file is caught here instead of on the portal node an hour later.
      const head = await c.s3.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: s3.key, ...(location.sha256 ? { ChecksumMode: 'ENABLED' as const } : {}) }));
      const size = `${head.ContentLength ?? '?'} bytes`;
      if (!location.sha256) return ok(title, `${uri} (${size})`);
      const stored = s3Sha256Hex(head);
      if (stored === undefined) return ok(title, `${uri} (${size}; S3 keeps no SHA-256 for it, the node checks the configured one on download)`);
      if (stored !== location.sha256.toLowerCase()) {
        return fail(title, `${uri} has SHA-256 ${stored}, the config says ${location.sha256}`, 'upload the intended file, or correct sha256 in the config');
      }
      return ok(title, `${uri} (${size}, SHA-256 matches)`);
    } catch (e) {
      const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404 || errName(e) === 'NotFound' || errName(e) === 'NoSuchKey' || errName(e) === 'NoSuchBucket') {
        return fail(title, `${uri} not found`, `upload it: aws s3 cp <file> ${uri} --region ${config.region}`);
      }
      if (status === 301 || errName(e) === 'PermanentRedirect') {
        return fail(title, `${uri}: the bucket is in another region`, `stage the file in a bucket of ${config.region}`);
      }
      if (status === 403) return fail(title, `${uri}: access denied`, 'allow the caller s3:GetObject on it (the portal nodes get read access at deploy time)');
      return fail(title, `${uri}: ${errText(e)}`, 'check the URI and your network');
    }
  }
  const get = c.fetch ?? fetch;
  try {
    const r = await get(uri, { method: 'HEAD', redirect: 'follow', signal: AbortSignal.timeout(10_000) });
    return r.ok ? ok(title, `${uri} (HTTP ${r.status})`) : fail(title, `${uri}: HTTP ${r.status}`, 'check the URL, or stage the file in an S3 bucket of the region');
  } catch (e) {
    return fail(title, `${uri}: ${errText(e)}`, 'the portal nodes must reach this URL too; an S3 bucket of the region is safer');
  }
}

/**
 * Every doctor check, in display order. Checks after the credentials one are skipped when there are no
 * credentials, since each would fail the same way.
 */
/** Options of {@link runDoctor}. */
export interface DoctorRun {
  /** Called with each result as soon as it and every result before it are known, in the order they are returned. */
  readonly onResult?: (r: CheckResult) => void;
  /** More checks that need working credentials (the CLI adds the listener certificate's). */
  readonly extra?: readonly ((config: DeploymentConfig) => Promise<CheckResult>)[];
}

/**
 * Every account check. The credentials check runs first and alone: when AWS cannot be reached (refused, no DNS,
 * no answer) or the credentials are refused, every other check would fail the same way after the same timeouts,
 * so they are skipped with one line.
 */
export async function runDoctor(config: DeploymentConfig, clients: DoctorClients, run: DoctorRun = {}): Promise<CheckResult[]> {
  const report = run.onResult ?? (() => undefined);
  const creds = await credentials(config, clients);
  report(creds.result);
  if (creds.result.status !== 'ok') {
    const skipped = skip('other checks', creds.unreachable ? 'skipped: AWS cannot be reached' : 'skipped: they need working credentials');
    report(skipped);
    return [creds.result, skipped];
  }
  // Open OnDemand has no admin secret, installer, driver or database: those checks are EnginFrame's.
  const ef = config.portal.kind === 'enginframe' ? config.portal : undefined;
  const notUsed = (title: string) => Promise.resolve(skip(title, 'not used with portal.kind openondemand'));
  // All started at once; reported in this order as each becomes known.
  const pending: Promise<CheckResult | CheckResult[] | undefined>[] = [
    bootstrap(config, creds.account ?? '<account>', clients),
    ef ? adminSecret(config, clients) : notUsed('admin password secret'),
    keyPair(config, clients),
    instanceTypes(config, clients),
    ef ? aurora(config, clients) : notUsed('Aurora MySQL'),
    ef ? artefact('EnginFrame installer', ef.installer, config, clients) : notUsed('EnginFrame installer'),
    ef ? artefact('JDBC driver', ef.jdbcDriver, config, clients) : notUsed('JDBC driver'),
    ...(run.extra ?? []).map((check) => check(config)),
  ];
  const results: CheckResult[] = [creds.result];
  for (const p of pending) {
    const r = await p;
    for (const one of r === undefined ? [] : Array.isArray(r) ? r : [r]) {
      results.push(one);
      report(one);
    }
  }
  return results;
}

/**
 * The doctor checks a deploy runs first (`hpc-ha deploy`, unless --skip-preflight): each is a mistake that would
 * otherwise surface deep into the deployment. Aurora orderability is left to doctor: CloudFormation reports it
 * within minutes, at the database stack.
 */
export async function runPreflight(config: DeploymentConfig, clients: DoctorClients): Promise<CheckResult[]> {
  const creds = await credentials(config, clients);
  if (creds.result.status !== 'ok') return [creds.result];
  const ef = config.portal.kind === 'enginframe' ? config.portal : undefined;
  const notUsed = (title: string) => Promise.resolve(skip(title, 'not used with portal.kind openondemand'));
  const [boot, secret, key, types, installer, jdbc] = await Promise.all([
    bootstrap(config, creds.account ?? '<account>', clients),
    ef ? adminSecret(config, clients) : notUsed('admin password secret'),
    keyPair(config, clients),
    instanceTypes(config, clients),
    ef ? artefact('EnginFrame installer', ef.installer, config, clients) : notUsed('EnginFrame installer'),
    ef ? artefact('JDBC driver', ef.jdbcDriver, config, clients) : notUsed('JDBC driver'),
  ]);
  return [creds.result, boot, secret, ...(key ? [key] : []), ...types, installer, jdbc];
}
