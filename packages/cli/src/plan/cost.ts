import { clusterPlans, createsDatabase, modelledResources, type DeploymentConfig } from '@hpc-ha/infra/config';
import { monitoringCost } from './monitoring-cost.js';
import { HOURS_PER_MONTH, isHourly, pricingRegion, term, type Price, type PriceList } from './price-list.js';

export { HOURS_PER_MONTH, PriceList, pricingRegion } from './price-list.js';

export interface CostItem {
  readonly what: string;
  readonly monthly: number;
  /** How the figure was made: count × unit price × hours or GiB. */
  readonly basis: string;
}

export interface QueuePrice {
  readonly cluster: string;
  readonly queue: string;
  readonly instanceType: string;
  readonly capacityType: string;
  readonly maxCount: number;
  readonly hourly: number;
}

export interface CostEstimate {
  /** ISO 4217, as the Price List returns it: CNY in the China regions, USD elsewhere. */
  readonly currency: string;
  readonly pricingRegion: string;
  readonly hoursPerMonth: number;
  readonly items: readonly CostItem[];
  readonly monthlyTotal: number;
  readonly queues: readonly QueuePrice[];
  readonly notCounted: readonly string[];
}

const norm = (s: string | undefined) => (s ?? '').toLowerCase().replace(/[^a-z0-9]/g, '');

type AddItem = (what: string, price: Price | undefined, count: number, per: number, perLabel: string) => void;

/** Aurora's writer and reader: Serverless v2 at its minimum capacity, or two instances of the provisioned class. */
async function addAurora(config: DeploymentConfig, prices: PriceList, add: AddItem): Promise<void> {
  const h = HOURS_PER_MONTH;
  if (config.database.mode === 'serverless-v2') {
    const acu = await prices.lowest('AmazonRDS', [term('productFamily', 'ServerlessV2'), term('databaseEngine', 'Aurora MySQL')], (u) => /acu/i.test(u));
    add('Aurora writer + reader (Serverless v2 at minimum capacity)', acu, 2 * config.database.minCapacity, h, `${h} h (${config.database.minCapacity} ACU each)`);
  } else {
    const cls = config.database.instanceType ?? 'db.r6g.large';
    const inst = await prices.lowest('AmazonRDS', [term('productFamily', 'Database Instance'), term('instanceType', cls), term('databaseEngine', 'Aurora MySQL')], isHourly);
    add(`Aurora writer + reader (${cls})`, inst, 2, h, `${h} h`);
  }
}

/**
 * The monthly cost of what runs all the time, and the hourly price of each queue's instance types. What the Price
 * List does not have for the region is listed as not counted, never guessed.
 */
export async function estimateCost(config: DeploymentConfig, prices: PriceList): Promise<CostEstimate> {
  const items: CostItem[] = [];
  const notCounted: string[] = [
    'compute nodes (billed per second while jobs run; hourly prices below)',
    'data transfer, NAT gateway data processing, load balancer capacity units (LCU)',
    `EFS storage${createsDatabase(config) ? ' and Aurora storage and I/O' : ''} (billed by what is stored and done, not sized in the config)`,
    'CloudWatch Logs ingestion and storage, S3 requests, backups beyond the free allowance',
    ...(config.portal.kind === 'enginframe' ? ['the administrator password secret (it is yours, made before the deploy)'] : []),
    'alarm emails and SNS requests (the first 1,000 emails and 1 million requests a month are free), EventBridge rule matches',
  ];
  let currency = '';
  const add = (what: string, price: Price | undefined, count: number, per: number, perLabel: string) => {
    if (!price) {
      notCounted.unshift(`${what}: not found in the Price List for ${config.region}`);
      return;
    }
    currency ||= price.currency;
    items.push({ what, monthly: count * price.amount * per, basis: `${count} × ${price.amount} ${price.currency}/${price.unit} × ${perLabel}` });
  };
  const h = HOURS_PER_MONTH;

  add('portal nodes', await prices.ec2Hourly(config.portal.instanceType), 2, h, `${h} h (${config.portal.instanceType})`);
  add('head nodes', await prices.ec2Hourly(config.clusters.headNode.instanceType), 2, h, `${h} h (${config.clusters.headNode.instanceType})`);
  const gp3 = await prices.lowest('AmazonEC2', [term('productFamily', 'Storage'), term('volumeApiName', 'gp3')], (u) => /^gb-?mo/i.test(u));
  add('root volumes (gp3)', gp3, 1, 2 * config.portal.rootVolumeGiB + 2 * config.clusters.headNode.rootVolumeGiB, `${2 * config.portal.rootVolumeGiB + 2 * config.clusters.headNode.rootVolumeGiB} GiB`);
  add('NAT gateways', await prices.lowest('AmazonEC2', [term('productFamily', 'NAT Gateway')], isHourly), 2, h, `${h} h`);
  add('load balancer', await prices.lowest('AWSELB', [term('productFamily', 'Load Balancer-Application')], isHourly), 1, h, `${h} h`);
  // The same rule as the app and the plan: no Aurora is billed for a config that creates none.
  if (createsDatabase(config)) await addAurora(config, prices, add);
  const fsx = config.storage.fsx;
  const lustre = await prices.lowest('AmazonFSx', [term('productFamily', 'Storage'), term('fileSystemType', 'Lustre')], (u) => /^gb-?mo/i.test(u), (a) => {
    if (norm(a['deploymentOption']) !== norm(fsx.deploymentType)) return false;
    return fsx.perUnitStorageThroughput === undefined || !a['throughputCapacity'] || norm(a['throughputCapacity']) === String(fsx.perUnitStorageThroughput);
  });
  add(`FSx for Lustre ${fsx.deploymentType}${fsx.perUnitStorageThroughput ? ` ${fsx.perUnitStorageThroughput} MB/s/TiB` : ''}`, lustre, 2, fsx.storageCapacityGiB, `${fsx.storageCapacityGiB} GiB each`);
  const d = config.directory;
  if (d.type === 'activeDirectory' && d.create) {
    // Standard edition: two domain controllers, billed per directory-hour.
    const ad = await prices.lowest('AWSDirectoryService', [term('directoryType', 'Microsoft AD'), term('directorySize', 'Standard')], isHourly);
    add('AWS Managed Microsoft AD (Standard)', ad, 1, h, `${h} h`);
    // The Resolver endpoint that resolves the domain from the VPC: billed per IP address (one per AZ) and hour.
    const endpoint = await prices.lowest('AmazonRoute53', [], isHourly, (a) => /ResolverNetworkInterface/i.test(a['usagetype'] ?? ''));
    add('Route 53 Resolver outbound endpoint (domain forwarding)', endpoint, 2, h, `${h} h × 2 addresses`);
    notCounted.push('Route 53 Resolver queries forwarded to the directory (per million queries)');
  }
  for (const line of await monitoringCost(config, prices)) add(line.what, line.price, line.count, line.per, line.perLabel);
  // The secrets the stacks create (munge key; Aurora's master secret and EnginFrame's database user; each cluster's
  // slurmdbd password; the Open OnDemand passphrase; the managed directory's Admin password): counted from the model.
  const secrets = Object.values(modelledResources(config)).reduce((n, r) => n + (r['AWS::SecretsManager::Secret'] ?? 0), 0);
  add('Secrets Manager secrets', await prices.lowest('AWSSecretsManager', [term('productFamily', 'Secret')], (u) => /secret/i.test(u)), secrets, 1, 'month');

  const queues: QueuePrice[] = [];
  for (const plan of clusterPlans(config)) {
    for (const q of plan.queues) {
      for (const r of q.computeResources) {
        const price = await prices.ec2Hourly(r.instanceType);
        if (!price) {
          notCounted.unshift(`${plan.name} ${q.name}: ${r.instanceType} not found in the Price List for ${config.region}`);
          continue;
        }
        currency ||= price.currency;
        queues.push({ cluster: plan.name, queue: q.name, instanceType: r.instanceType, capacityType: q.capacityType, maxCount: r.maxCount, hourly: price.amount });
      }
    }
  }
  return {
    currency: currency || (config.partition === 'aws-cn' ? 'CNY' : 'USD'),
    pricingRegion: pricingRegion(config),
    hoursPerMonth: h,
    items,
    monthlyTotal: items.reduce((t, i) => t + i.monthly, 0),
    queues,
    notCounted,
  };
}
