import { EXIT_OK, failure, usageError, type ExitCode } from '../exit.js';
import { loadConfig } from '../load-config.js';
import type { Ui } from '../ui.js';

export interface PlanFlags {
  config?: string;
  cost?: boolean;
  json?: boolean;
  mermaid?: boolean;
}

/**
 * `hpc-ha plan`: the stacks in their deploy waves with resource counts, and a modelled critical path, offline and
 * without loading aws-cdk-lib; with --cost, the monthly cost from the AWS Price List API (needs credentials).
 */
export async function planCommand(flags: PlanFlags, ui: Ui): Promise<ExitCode> {
  if (flags.mermaid && (flags.json || flags.cost)) throw usageError('--mermaid prints only the diagram: it takes neither --json nor --cost');
  const config = await loadConfig(flags, ui);
  const { offlinePlan } = await import('../plan/model.js');
  const plan = offlinePlan(config);
  if (flags.mermaid) {
    ui.out((await import('../plan/mermaid.js')).planMermaid(config, plan).trimEnd());
    return EXIT_OK;
  }
  let cost;
  if (flags.cost) {
    const { estimateCost, PriceList, pricingRegion } = await import('../plan/cost.js');
    try {
      cost = await estimateCost(config, new PriceList(config.region, undefined, pricingRegion(config)));
    } catch (e) {
      const { classifyAwsError } = await import('../aws-failure.js');
      const f = classifyAwsError(e);
      const hint = f.kind === 'credentials' || f.kind === 'other'
        ? 'the cost needs AWS credentials of the deployment\'s partition with pricing:GetProducts; drop --cost for the offline plan'
        : `${f.hint}; drop --cost for the offline plan`;
      throw failure(`AWS Price List (${pricingRegion(config)}): ${f.message}`, hint);
    }
  }
  if (flags.json) {
    ui.out(JSON.stringify({ ...plan, ...(cost ? { cost } : {}) }, null, 2));
    return EXIT_OK;
  }
  const { formatCost, formatPlan } = await import('../plan/format.js');
  for (const line of formatPlan(plan, ui)) ui.out(line);
  if (cost) for (const line of formatCost(cost, ui)) ui.out(line);
  return EXIT_OK;
}
