import { GetProductsCommand, PricingClient, type Filter } from '@aws-sdk/client-pricing';
import type { DeploymentConfig } from '@hpc-ha/infra/config';
import { clientConfig } from '../aws.js';

/** AWS prices a month as 730 hours (365 × 24 / 12), as its own calculator does. */
export const HOURS_PER_MONTH = 730;

/** The Price List Query API has its own endpoints: us-east-1 for the global partition, cn-northwest-1 for China. */
export function pricingRegion(config: Pick<DeploymentConfig, 'partition'>): string {
  return config.partition === 'aws-cn' ? 'cn-northwest-1' : 'us-east-1';
}

export interface Price {
  readonly amount: number;
  readonly currency: string;
  readonly unit: string;
  readonly description: string;
}

interface PriceListProduct {
  product?: { productFamily?: string; attributes?: Record<string, string> };
  terms?: { OnDemand?: Record<string, { priceDimensions?: Record<string, { unit?: string; description?: string; pricePerUnit?: Record<string, string> }> }> };
}

/** A price per hour (the Price List writes the unit Hrs or Hr). */
export const isHourly = (u: string): boolean => /^hrs?$/i.test(u);

export const term = (Field: string, Value: string): Filter => ({ Type: 'TERM_MATCH', Field, Value });

/** Looks up on-demand prices; each query pages at most a few times (the filters narrow it to a handful). */
export class PriceList {
  private readonly client: PricingClient;

  /**
   * @param region the deployment's Region, whose prices are looked up (the `regionCode` attribute)
   * @param client a client for the Price List endpoint; default: one for `endpointRegion`
   */
  constructor(
    private readonly region: string,
    client?: PricingClient,
    endpointRegion = 'us-east-1',
  ) {
    this.client = client ?? new PricingClient(clientConfig(endpointRegion));
  }

  /** Every on-demand price dimension of the products matching the filters (and `keep`, when given). */
  async prices(serviceCode: string, filters: Filter[], keep: (attributes: Record<string, string>) => boolean = () => true): Promise<Price[]> {
    const out: Price[] = [];
    let token: string | undefined;
    for (let page = 0; page < 5; page++) {
      const res = await this.client.send(new GetProductsCommand({ ServiceCode: serviceCode, Filters: filters, FormatVersion: 'aws_v1', MaxResults: 100, NextToken: token }));
      for (const text of res.PriceList ?? []) {
        const p = (typeof text === 'string' ? JSON.parse(text) : text) as PriceListProduct;
        if (!keep(p.product?.attributes ?? {})) continue;
        for (const offer of Object.values(p.terms?.OnDemand ?? {})) {
          for (const dim of Object.values(offer.priceDimensions ?? {})) {
            for (const [currency, value] of Object.entries(dim.pricePerUnit ?? {})) {
              const amount = Number(value);
              if (Number.isFinite(amount) && amount > 0) out.push({ amount, currency, unit: dim.unit ?? '', description: dim.description ?? '' });
            }
          }
        }
      }
      token = res.NextToken;
      if (!token) break;
    }
    return out;
  }

  /** The lowest price with a unit the predicate accepts, or undefined when the Price List has none. */
  async lowest(serviceCode: string, filters: Filter[], unit: (u: string) => boolean, keep?: (a: Record<string, string>) => boolean): Promise<Price | undefined> {
    const prices = (await this.prices(serviceCode, [term('regionCode', this.region), ...filters], keep)).filter((p) => unit(p.unit));
    return prices.sort((a, b) => a.amount - b.amount)[0];
  }

  ec2Hourly(instanceType: string): Promise<Price | undefined> {
    return this.lowest(
      'AmazonEC2',
      [term('instanceType', instanceType), term('operatingSystem', 'Linux'), term('tenancy', 'Shared'), term('preInstalledSw', 'NA'), term('capacitystatus', 'Used')],
      isHourly,
    );
  }
}

