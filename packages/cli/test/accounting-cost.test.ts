import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { mockClient } from 'aws-sdk-client-mock';
import { parseDocument } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDeploymentConfig, type DeploymentConfig } from '@hpc-ha/infra/config';
import { estimateCost, HOURS_PER_MONTH, PriceList } from '../src/plan/cost.js';
import { offlinePlan } from '../src/plan/model.js';
import { EXAMPLES } from './cli.js';
import { matches, PRICE_LIST, priceListEntry } from './fixtures/price-list.js';

/** An example with accounting.enabled set, loaded by the real loader. */
function withAccounting(example: string, enabled: boolean): DeploymentConfig {
  const doc = parseDocument(readFileSync(`${EXAMPLES}/${example}.yaml`, 'utf8'));
  doc.setIn(['accounting', 'enabled'], enabled);
  const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-accounting-'));
  try {
    writeFileSync(join(dir, 'hpc-ha.yaml'), doc.toString());
    return loadDeploymentConfig(join(dir, 'hpc-ha.yaml'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('what Slurm accounting adds to `hpc-ha plan` and `--cost`', () => {
  const pricing = mockClient(PricingClient);
  beforeEach(() => {
    pricing.on(GetProductsCommand).callsFake((input) => ({ PriceList: PRICE_LIST.filter((p) => matches(p, input.ServiceCode, input.Filters ?? [])).map(priceListEntry) }));
  });
  afterEach(() => pricing.reset());
  const cost = (config: DeploymentConfig) => estimateCost(config, new PriceList(config.region, new PricingClient({ region: 'cn-northwest-1' })));

  it('Open OnDemand without accounting: no Aurora billed; with it: Aurora at 0.5 ACU per instance and two more secrets', async () => {
    const off = await cost(withAccounting('cn-north-1-ondemand', false));
    expect(off.items.some((i) => i.what.startsWith('Aurora'))).toBe(false);
    const on = await cost(withAccounting('cn-north-1-ondemand', true));
    expect(on.items.find((i) => i.what.startsWith('Aurora'))!.monthly).toBeCloseTo(2 * 0.5 * 1.04 * HOURS_PER_MONTH, 6);
    const secrets = (c: typeof on) => c.items.find((i) => i.what.startsWith('Secrets'))!.monthly;
    expect(secrets(off)).toBeCloseTo(2 * 2.72, 6);
    expect(secrets(on)).toBeCloseTo(5 * 2.72, 6);
  });

  it('EnginFrame: the Aurora it already has, plus the two slurmdbd password secrets', async () => {
    const off = await cost(withAccounting('cn-north-1', false));
    const on = await cost(withAccounting('cn-north-1', true));
    const item = (c: typeof on, what: RegExp) => c.items.find((i) => what.test(i.what))!.monthly;
    expect(item(on, /^Aurora/)).toBeCloseTo(item(off, /^Aurora/), 6);
    expect(item(on, /^Secrets/) - item(off, /^Secrets/)).toBeCloseTo(2 * 2.72, 6);
  });

  it('the offline plan lists the accounting databases and the AuroraServerless stack for Open OnDemand', () => {
    const off = offlinePlan(withAccounting('cn-north-1-ondemand', false));
    expect(off.stacks.map((s) => s.id)).not.toContain('AuroraServerless');
    const on = offlinePlan(withAccounting('cn-north-1-ondemand', true));
    const db = on.stacks.find((s) => s.id === 'AuroraServerless')!;
    expect(db.resources).toMatchObject({ 'Custom::SlurmAccountingDatabase': 2, 'AWS::RDS::DBInstance': 2 });
    expect(db.phases.map((p) => p.what)).toContain("each cluster's accounting database and slurmdbd user (custom resource)");
    expect(on.stacks.find((s) => s.id === 'Clusters')!.dependsOn).toContain('AuroraServerless');
  });
});
