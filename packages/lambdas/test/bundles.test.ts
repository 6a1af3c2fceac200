import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ACMClient, DescribeCertificateCommand } from '@aws-sdk/client-acm';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMariaDb, type MariaDbServer } from '../../../tools/test-harness/mariadb.js';
import { startMoto, type MotoServer } from '../../../tools/test-harness/moto.js';
import { CERT_RENEWAL_FUNCTION, HANDLER_FUNCTIONS, HANDLER_NAMES, type HandlerName } from '../src/index.js';
import type { OnEventRequest, OnEventResponse } from '../src/runtime/provider.js';
import { TEST_REGION, useAwsEndpoint } from './support/aws-env.js';
import { createEvent, deleteEvent, updateEvent } from './support/events.js';
import { describeWith } from './support/tools.js';

const packageRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
// Inside the package so the bundles' external @aws-sdk imports resolve as in Lambda's node_modules.
const outDir = join(packageRoot, 'test-results', 'bundle-smoke');

type Handler = {
  onEvent: (e: OnEventRequest) => Promise<OnEventResponse>;
  isComplete?: (e: unknown) => Promise<unknown>;
  renew?: (e: unknown) => Promise<{ renewed: boolean; notAfter: string }>;
};

describeWith('mariadb', 'moto_server')('the tsup bundles, loaded the way Lambda loads them', () => {
  let moto: MotoServer;
  let db: MariaDbServer;
  let restoreEnv: () => void;
  const bundles = {} as Record<HandlerName, Handler>;

  beforeAll(async () => {
    const build = spawnSync('npx', ['tsup', '--out-dir', outDir, '--silent'], { cwd: packageRoot, encoding: 'utf8', timeout: 90_000 });
    expect(build.status, build.stderr + build.stdout).toBe(0);
    for (const name of HANDLER_NAMES) {
      bundles[name] = (await import(pathToFileURL(join(outDir, name, 'index.mjs')).href)) as Handler;
    }
    [moto, db] = await Promise.all([startMoto(), startMariaDb()]);
    restoreEnv = useAwsEndpoint(moto.endpoint);
  }, 120_000);
  afterAll(async () => {
    restoreEnv?.();
    await Promise.all([moto?.stop(), db?.stop()]);
    rmSync(outDir, { recursive: true, force: true });
  });

  it('each bundle exports the functions infra wires, keeps the AWS SDK external and carries no SDK copy', () => {
    for (const name of HANDLER_NAMES) {
      const text = readFileSync(join(outDir, name, 'index.mjs'), 'utf8');
      expect(typeof bundles[name].onEvent).toBe('function');
      expect(typeof bundles[name].isComplete).toBe(HANDLER_FUNCTIONS[name].isComplete ? 'function' : 'undefined');
      expect(text).toMatch(/from\s*"@aws-sdk\/client-/);
      expect(text).not.toContain('@smithy/smithy-client');
    }
  });

  it('cert bundle: Create imports into ACM (moto), the renewal re-imports into the same ARN, Delete removes it', async () => {
    const answer = await bundles.cert.onEvent(createEvent({ DomainName: 'hpc-alb-7.cn-north-1.elb.amazonaws.com.cn', ValidityDays: '10' }));
    const arn = answer.PhysicalResourceId!;
    const acm = new ACMClient({ region: TEST_REGION });
    const { Certificate } = await acm.send(new DescribeCertificateCommand({ CertificateArn: arn }));
    expect(Certificate?.KeyAlgorithm).toBe('EC_prime256v1');
    expect(CERT_RENEWAL_FUNCTION).toBe('index.renew');
    const renewed = await bundles.cert.renew!({ CertificateArn: arn, DomainName: 'hpc-alb-7.cn-north-1.elb.amazonaws.com.cn' });
    expect(renewed.renewed).toBe(true);
    expect(renewed.notAfter).toBe((await acm.send(new DescribeCertificateCommand({ CertificateArn: arn }))).Certificate?.NotAfter?.toISOString());
    const del = deleteEvent(arn, { DomainName: 'hpc-alb-7.cn-north-1.elb.amazonaws.com.cn' });
    const deleted = await bundles.cert.onEvent(del);
    expect(await bundles.cert.isComplete!({ ...del, ...deleted })).toEqual({ IsComplete: true });
    await expect(acm.send(new DescribeCertificateCommand({ CertificateArn: arn }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('db-bootstrap bundle: runs bootstrapSql over mysql2 against MariaDB', async () => {
    const sm = new SecretsManagerClient({ region: TEST_REGION });
    const master = (await sm.send(new CreateSecretCommand({ Name: 'm', SecretString: JSON.stringify({ username: 'root', password: db.password }) }))).ARN!;
    const app = (await sm.send(new CreateSecretCommand({ Name: 'a', SecretString: JSON.stringify({ username: 'efbundle', password: 'Bundle-pw-1' }) }))).ARN!;
    const answer = await bundles['db-bootstrap'].onEvent(
      createEvent({ MasterSecretArn: master, AppUserSecretArn: app, Host: '127.0.0.1', Port: db.port, Tls: 'disabled' }),
    );
    expect(answer.Data).toEqual({ DatabaseName: 'EnginFrameDB', UserName: 'efbundle' });
    const c = await createConnection({ host: db.host, port: db.port, user: 'efbundle', password: 'Bundle-pw-1', database: 'EnginFrameDB' });
    await c.end();
  });

  it('munge-key bundle: fills an empty secret (moto) with base64 of 1024 bytes and keeps it on Update', async () => {
    const sm = new SecretsManagerClient({ region: TEST_REGION });
    const arn = (await sm.send(new CreateSecretCommand({ Name: 'munge-bundle' }))).ARN!;
    const handler = bundles['munge-key'];
    expect(await handler.onEvent(createEvent({ SecretArn: arn }))).toEqual({ PhysicalResourceId: arn, Data: { SecretArn: arn } });
    const first = await sm.send(new GetSecretValueCommand({ SecretId: arn }));
    expect(Buffer.from(first.SecretString!, 'base64')).toHaveLength(1024);
    await handler.onEvent(updateEvent(arn, { SecretArn: arn }, { SecretArn: arn }));
    expect((await sm.send(new GetSecretValueCommand({ SecretId: arn }))).VersionId).toBe(first.VersionId);
  });
});
