/** EFA and placement-group rules that need no AWS call (EfaMultiAzValidator, EfaValidator, PlacementGroupCapacityTypeValidator). */
import { arr, computeResources, dig, obj, slurmQueues, str, type Rec, type Rule } from './context.js';

/**
 * EfaMultiAzValidator: EFA does not cross Availability Zones, so ParallelCluster refuses it on a queue whose subnets
 * lie in several AZs, placement group or not. Which AZ a subnet is in needs AWS; when the caller knows
 * (ValidateOptions.subnetAvailabilityZones) this is an error, otherwise a warning that names the check.
 */
const efaMultiAz: Rule = (ctx) => {
  for (const q of slurmQueues(ctx.config)) {
    const subnets = arr(dig(q.value, 'Networking', 'SubnetIds')).filter((s): s is string => typeof s === 'string');
    if (subnets.length < 2) continue;
    const efa = computeResources(q).filter((cr) => dig(cr.value, 'Efa', 'Enabled') === true);
    if (!efa.length) continue;
    const azs = subnets.map((s) => ctx.subnetAvailabilityZones?.[s]);
    const known = azs.every((az) => az !== undefined);
    const distinct = new Set(azs);
    for (const cr of efa) {
      const path = [...cr.path, 'Efa', 'Enabled'];
      const where = `compute resource "${str(cr.value.Name) ?? '?'}" of queue "${str(q.value.Name) ?? '?'}"`;
      if (known && distinct.size > 1) {
        ctx.report(path, `EFA does not work across Availability Zones, and this queue's subnets are in ${[...distinct].join(', ')}; disable EFA on ${where} or give the queue subnets of one AZ`);
      } else if (!known) {
        ctx.report(path, `EfaMultiAzValidator (not checkable offline): the queue lists ${subnets.length} subnets; if they are in different Availability Zones ParallelCluster refuses EFA on ${where}`, 'warning');
      }
    }
  }
};

/** The offline half of EfaValidator: GDR support is an EFA feature. */
const gdrNeedsEfa: Rule = (ctx) => {
  for (const q of slurmQueues(ctx.config)) {
    for (const cr of computeResources(q)) {
      if (dig(cr.value, 'Efa', 'GdrSupport') === true && dig(cr.value, 'Efa', 'Enabled') !== true) {
        ctx.report([...cr.path, 'Efa', 'GdrSupport'], 'GdrSupport can only be used with Efa.Enabled: true');
      }
    }
  }
};

const pgEnabled = (pg: Rec | undefined): boolean =>
  pg !== undefined && pg.Enabled !== false && (pg.Enabled === true || pg.Name !== undefined || pg.Id !== undefined);

/** PlacementGroupCapacityTypeValidator: a capacity block is placed already; a placement group only adds failures. */
const capacityBlockPlacement: Rule = (ctx) => {
  for (const q of slurmQueues(ctx.config)) {
    if (str(q.value.CapacityType) !== 'CAPACITY_BLOCK') continue;
    const queuePg = obj(dig(q.value, 'Networking', 'PlacementGroup'));
    for (const cr of computeResources(q)) {
      const crPg = obj(dig(cr.value, 'Networking', 'PlacementGroup'));
      if (!pgEnabled(crPg ?? queuePg)) continue;
      const path = crPg ? [...cr.path, 'Networking', 'PlacementGroup'] : [...q.path, 'Networking', 'PlacementGroup'];
      ctx.report(path, `a placement group on a CAPACITY_BLOCK queue can cause insufficient-capacity errors outside the reservation; remove it for compute resource "${str(cr.value.Name) ?? '?'}"`, 'warning');
    }
  }
};

export const efaRules: readonly Rule[] = [efaMultiAz, gdrNeedsEfa, capacityBlockPlacement];
