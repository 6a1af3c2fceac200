import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { loadDeploymentConfig } from '@hpc-ha/infra/config';
import { estimateCost, HOURS_PER_MONTH, PriceList, pricingRegion } from '../src/plan/cost.js';
import { EXAMPLES, runCli } from './cli.js';
import { startSilentServer } from './silent-server.js';
import { AD_EXAMPLE, withManagedDirectoryConfig } from './fixtures/managed-directory.js';
import { matches, PRICE_LIST, priceListEntry } from './fixtures/price-list.js';

const example = (name: string) => `${EXAMPLES}/${name}.yaml`;

describe('hpc-ha plan (offline, built binary)', () => {
  it.each(['cn-north-1', 'cn-northwest-1', 'us-east-1'])('%s: stacks in waves with resource counts, and the modelled critical path', async (name) => {
    const r = await runCli(['plan', '-c', example(name)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wave 1: VPC$/m);
    expect(r.stdout).toMatch(/^wave 2 \(after wave 1\): AuroraServerless, EFS, FSX, ALB$/m);
    // Monitoring waits for the head nodes it watches (cloudformation), not for the portal.
    expect(r.stdout).toMatch(name === 'cn-northwest-1' ? /^wave 3 \(after wave 2\): EnginFrame, Monitoring$/m : /^wave 3 \(after wave 2\): Clusters, EnginFrame$/m);
    if (name !== 'cn-northwest-1') expect(r.stdout).toMatch(/^wave 4 \(after wave 3\): Monitoring$/m);
    expect(r.stdout).toMatch(/^ {4}2 AWS::FSx::FileSystem$/m);
    expect(r.stdout).toMatch(/critical path \d+ min; the same stacks one at a time \d+ min \(0\.\d\d×\)/);
    expect(r.stderr).toBe('');
  });

  it('--json: the same plan for scripts, waves and timing included', async () => {
    const r = await runCli(['plan', '-c', example('cn-north-1'), '--json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.waves).toEqual([['VPC'], ['AuroraServerless', 'EFS', 'FSX', 'ALB'], ['Clusters', 'EnginFrame'], ['Monitoring']]);
    const monitoring = plan.stacks.find((s: { id: string }) => s.id === 'Monitoring');
    // cn-north-1 has one address in notifications.emails: the topic, its key and one subscription.
    expect(monitoring).toMatchObject({ stackName: 'hpcha-Monitoring', wave: 4, resources: { 'AWS::CloudWatch::Alarm': 10, 'AWS::SNS::Subscription': 1, 'AWS::KMS::Key': 1 } });
    const portal = plan.stacks.find((s: { id: string }) => s.id === 'EnginFrame');
    expect(portal).toMatchObject({ stackName: 'hpcha-EnginFrame', wave: 3, resources: { 'AWS::AutoScaling::AutoScalingGroup': 2 } });
    expect(plan.criticalPathMinutes / plan.serialMinutes).toBeLessThanOrEqual(0.6);
    expect(plan.typicalMinutes.pclusterCluster).toBeGreaterThan(0);
  });

  it('Open OnDemand: no AuroraServerless stack and no Aurora in the timing', async () => {
    const r = await runCli(['plan', '-c', example('cn-north-1-ondemand'), '--json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.stacks.map((s: { id: string }) => s.id)).not.toContain('AuroraServerless');
    expect(JSON.stringify(plan.stacks)).not.toMatch(/Aurora|RDS/);
  });

  it('directory.create: true: the managed directory\'s resources and its tens of minutes on the VPC stack', async () => {
    await withManagedDirectoryConfig(async (file) => {
      const [withAd, without] = await Promise.all([
        runCli(['plan', '-c', file, '--json']),
        runCli(['plan', '-c', AD_EXAMPLE, '--json']),
      ]);
      expect(withAd.stderr).toBe('');
      const a = JSON.parse(withAd.stdout);
      const b = JSON.parse(without.stdout);
      const vpc = (p: { stacks: { id: string; resources: Record<string, number>; finishMinute: number }[] }) => p.stacks.find((s) => s.id === 'VPC')!;
      expect(vpc(a).resources['AWS::DirectoryService::MicrosoftAD']).toBe(1);
      expect(vpc(b).resources['AWS::DirectoryService::MicrosoftAD']).toBeUndefined();
      expect(vpc(a).finishMinute).toBeGreaterThanOrEqual(20);
      expect(a.criticalPathMinutes).toBeGreaterThan(b.criticalPathMinutes + 15);
    });
  });

  it('an invalid config stops with its problems, exit 2', async () => {
    const r = await runCli(['plan', '-c', '/nonexistent/hpc-ha.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/nonexistent/hpc-ha.yaml');
  });

  it('--cost without credentials says what it needs, exit 1, after no plan output', async () => {
    const r = await runCli(['plan', '-c', example('us-east-1'), '--cost']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/AWS Price List \(us-east-1\): AWS credentials: .*credential/i);
    expect(r.stderr).toContain('pricing:GetProducts');
    expect(r.stdout).toBe('');
  });

  const withKeys = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

  it('--cost against a refused connection names the network, not credentials, exit 1', async () => {
    // Port 1 on the loopback: nothing listens, the connection is refused at once.
    const r = await runCli(['plan', '-c', example('us-east-1'), '--cost'], { env: { ...withKeys, AWS_ENDPOINT_URL: 'http://127.0.0.1:1' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: AWS Price List \(us-east-1\): cannot reach AWS: .*ECONNREFUSED/);
    expect(r.stderr).toContain('check the network, proxy and AWS_ENDPOINT_URL');
    expect(r.stderr).not.toMatch(/credential/i);
  });

  it('--cost against an endpoint that never answers says so after the bounded retries, exit 1', async () => {
    const server = await startSilentServer();
    try {
      const r = await runCli(['plan', '-c', example('us-east-1'), '--cost'], { env: { ...withKeys, AWS_ENDPOINT_URL: server.endpoint, HPC_HA_AWS_TIMEOUT_MS: '300' }, timeoutMs: 15_000 });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('error: AWS Price List (us-east-1): no answer from AWS within 300 ms (3 attempts)');
      expect(r.stderr).not.toMatch(/credential/i);
    } finally {
      await server.close();
    }
  });
});

describe('monthly cost from the Price List (aws-sdk-client-mock, responses in the API\'s shape)', () => {
  const pricing = mockClient(PricingClient);
  beforeEach(() => {
    pricing.on(GetProductsCommand).callsFake((input) => ({ PriceList: PRICE_LIST.filter((p) => matches(p, input.ServiceCode, input.Filters ?? [])).map(priceListEntry) }));
  });
  afterEach(() => pricing.reset());

  it('uses the China Price List endpoint for the China partition and the global one otherwise', () => {
    expect(pricingRegion({ partition: 'aws-cn' })).toBe('cn-northwest-1');
    expect(pricingRegion({ partition: 'aws' })).toBe('us-east-1');
  });

  it('cn-north-1: everything that runs all the time, in CNY, at the configured sizes', async () => {
    const config = loadDeploymentConfig(example('cn-north-1'));
    const cost = await estimateCost(config, new PriceList(config.region, new PricingClient({ region: 'cn-northwest-1' })));
    expect(cost.currency).toBe('CNY');
    const item = (what: RegExp) => cost.items.find((i) => what.test(i.what))!;
    expect(item(/^portal nodes/).monthly).toBeCloseTo(2 * 1.9 * HOURS_PER_MONTH, 6);
    expect(item(/^head nodes/).monthly).toBeCloseTo(2 * 1.6 * HOURS_PER_MONTH, 6);
    expect(item(/^NAT/).monthly).toBeCloseTo(2 * 0.41 * HOURS_PER_MONTH, 6);
    expect(item(/^load balancer/).monthly).toBeCloseTo(0.156 * HOURS_PER_MONTH, 6);
    // Standard Aurora, not I/O-Optimized: 2 instances at the 0.5 ACU minimum.
    expect(item(/^Aurora/).monthly).toBeCloseTo(2 * 0.5 * 1.04 * HOURS_PER_MONTH, 6);
    // PERSISTENT_2 at 125 MB/s/TiB, 1200 GiB in each AZ (not the 250 MB/s/TiB price).
    expect(item(/^FSx/).monthly).toBeCloseTo(2 * 1200 * 1.22, 6);
    expect(item(/^root volumes/).monthly).toBeCloseTo((2 * 50 + 2 * config.clusters.headNode.rootVolumeGiB) * 0.5336, 6);
    expect(item(/^Secrets/).monthly).toBeCloseTo(3 * 2.72, 6);
    // The Monitoring stack: 10 standard alarms (not the high-resolution price), the dashboard, the topic's key.
    expect(item(/^CloudWatch alarms/).monthly).toBeCloseTo(10 * 0.68, 6);
    expect(item(/^CloudWatch dashboard/).monthly).toBeCloseTo(20.4, 6);
    expect(item(/^KMS key/).monthly).toBeCloseTo(6.8, 6);
    expect(cost.monthlyTotal).toBeCloseTo(cost.items.reduce((t, i) => t + i.monthly, 0), 6);
    expect(cost.queues.map((q) => `${q.cluster}/${q.queue}/${q.instanceType}`)).toContain('hpcha-cluster1/compute/c5.4xlarge');
    expect(cost.queues.find((q) => q.instanceType === 'c5n.18xlarge')!.hourly).toBe(36.5);
    expect(cost.notCounted.join('\n')).toMatch(/compute nodes/);
    // Every query was for this Region's prices.
    for (const call of pricing.commandCalls(GetProductsCommand)) expect(call.args[0].input.Filters).toContainEqual({ Type: 'TERM_MATCH', Field: 'regionCode', Value: 'cn-north-1' });
  });

  it('us-east-1: USD, and SCRATCH_2 priced as scratch storage', async () => {
    const config = loadDeploymentConfig(example('us-east-1'));
    const cost = await estimateCost(config, new PriceList(config.region, new PricingClient({ region: 'us-east-1' })));
    expect(cost.currency).toBe('USD');
    expect(cost.items.find((i) => i.what.startsWith('FSx'))!.monthly).toBeCloseTo(2 * 1200 * 0.14, 6);
    expect(cost.items.find((i) => i.what.startsWith('portal'))!.monthly).toBeCloseTo(2 * 0.192 * HOURS_PER_MONTH, 6);
  });

  it('directory.create: prices the Managed AD and the Resolver endpoint that resolves its domain, or says they are not counted', async () => {
    const doc = parseDocument(readFileSync(`${EXAMPLES}/directory/cn-northwest-1-active-directory.yaml`, 'utf8'));
    doc.deleteIn(['directory', 'uris']);
    doc.setIn(['directory', 'create'], true);
    const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-cost-'));
    try {
      writeFileSync(join(dir, 'ad.yaml'), doc.toString());
      const config = loadDeploymentConfig(join(dir, 'ad.yaml'));
      const cost = await estimateCost(config, new PriceList(config.region, new PricingClient({ region: 'cn-northwest-1' })));
      const named = [...cost.items.map((i) => i.what), ...cost.notCounted].join('\n');
      expect(named).toMatch(/AWS Managed Microsoft AD \(Standard\)/);
      expect(named).toMatch(/Route 53 Resolver outbound endpoint/);
      expect(cost.notCounted.join('\n')).toMatch(/Resolver queries/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without notifications.emails: the alarms and dashboard, no KMS key', async () => {
    const config = loadDeploymentConfig(example('us-east-1'));
    const silent = { ...config, notifications: { emails: [] } };
    const cost = await estimateCost(silent, new PriceList(config.region, new PricingClient({ region: 'us-east-1' })));
    expect(cost.items.find((i) => i.what.startsWith('CloudWatch alarms'))!.monthly).toBeCloseTo(10 * 0.1, 6);
    expect(cost.items.some((i) => i.what.startsWith('KMS'))).toBe(false);
  });

  it('Open OnDemand (no Aurora stack): no Aurora item, two secrets (munge key, OIDC passphrase)', async () => {
    const config = loadDeploymentConfig(example('cn-north-1-ondemand'));
    const cost = await estimateCost(config, new PriceList(config.region, new PricingClient({ region: 'cn-northwest-1' })));
    expect(cost.items.map((i) => i.what).join('\n')).not.toMatch(/Aurora/);
    expect(cost.items.find((i) => i.what.startsWith('Secrets'))!.monthly).toBeCloseTo(2 * 2.72, 6);
    expect(pricing.commandCalls(GetProductsCommand).map((c) => c.args[0].input.ServiceCode)).not.toContain('AmazonRDS');
  });

  it('directory.create: true bills the AWS Managed Microsoft AD (Standard) and its Admin password secret', async () => {
    const base = loadDeploymentConfig(AD_EXAMPLE);
    if (base.directory.type !== 'activeDirectory') throw new Error('an Active Directory example');
    const config = { ...base, directory: { ...base.directory, uris: [], create: { netbiosName: 'CORP' } } };
    const cost = await estimateCost(config, new PriceList(config.region, new PricingClient({ region: 'cn-northwest-1' })));
    expect(cost.items.find((i) => /Managed Microsoft AD/.test(i.what))!.monthly).toBeCloseTo(1.23 * HOURS_PER_MONTH, 6);
    // Munge key, Aurora's master secret, EnginFrame's database user, the directory's Admin password.
    expect(cost.items.find((i) => i.what.startsWith('Secrets'))!.monthly).toBeCloseTo(4 * 2.72, 6);
    const without = await estimateCost(base, new PriceList(base.region, new PricingClient({ region: 'cn-northwest-1' })));
    expect(without.items.some((i) => /Managed Microsoft AD/.test(i.what))).toBe(false);
  });

  it('lists what the Price List lacks as not counted instead of guessing', async () => {
    const config = loadDeploymentConfig(example('us-east-1'));
    pricing.on(GetProductsCommand).callsFake((input) => ({
      PriceList: PRICE_LIST.filter((p) => p.family !== 'NAT Gateway' && matches(p, input.ServiceCode, input.Filters ?? [])).map(priceListEntry),
    }));
    const cost = await estimateCost(config, new PriceList(config.region, new PricingClient({ region: 'us-east-1' })));
    expect(cost.items.some((i) => i.what.startsWith('NAT'))).toBe(false);
    expect(cost.notCounted[0]).toBe('NAT gateways: not found in the Price List for us-east-1');
  });
});

describe('hpc-ha deploy --concurrency', () => {
  it('defaults to the widest wave of the config (4 networked stacks at once)', async () => {
    const { deployConcurrency } = await import('../src/commands/cdk.js');
    expect(deployConcurrency(loadDeploymentConfig(example('cn-north-1')), undefined)).toBe(4);
    expect(deployConcurrency(loadDeploymentConfig(example('cn-north-1')), 1)).toBe(1);
  });

  it.each(['0', '-1', 'two', '1.5'])('refuses --concurrency %s before loading anything, exit 2', async (n) => {
    const r = await runCli(['deploy', '-c', example('cn-north-1'), '--concurrency', n]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--concurrency takes a whole number from 1 to 999, not '${n}'`);
  });
});
