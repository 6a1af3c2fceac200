import { arr, computeResources, dig, num, obj, slurmQueues, str, type Rule } from './context.js';

const SPOT_ONLY = ['capacity-optimized', 'price-capacity-optimized', 'capacity-optimized-prioritized'];
const ONDEMAND_ONLY = ['prioritized'];

const instances: Rule = (ctx) => {
  for (const q of slurmQueues(ctx.config)) {
    for (const cr of computeResources(q)) {
      const c = cr.value;
      const hasType = c.InstanceType !== undefined;
      const list = arr(c.Instances);
      if (hasType && c.Instances !== undefined) {
        ctx.report([...cr.path, 'Instances'], 'InstanceType and Instances cannot both be set: use InstanceType for one type, Instances for several', 'error', true);
      } else if (!hasType && c.Instances === undefined && dig(c, 'CapacityReservationTarget', 'CapacityReservationId') === undefined) {
        ctx.report([...cr.path, 'InstanceType'], 'a compute resource needs InstanceType, Instances, or a CapacityReservationTarget.CapacityReservationId');
      }
      const seen = new Set<string>();
      list.forEach((it, i) => {
        const t = str(obj(it)?.InstanceType);
        if (t === undefined) return;
        if (seen.has(t)) ctx.report([...cr.path, 'Instances', i, 'InstanceType'], `instance type "${t}" is listed twice`);
        seen.add(t);
      });
    }
  }
};

const counts: Rule = (ctx) => {
  for (const q of slurmQueues(ctx.config)) {
    const capacity = str(q.value.CapacityType) ?? 'ONDEMAND';
    for (const cr of computeResources(q)) {
      const min = num(cr.value.MinCount) ?? 0;
      const max = num(cr.value.MaxCount) ?? 10;
      if (min > max) {
        ctx.report([...cr.path, 'MinCount'], `MinCount (${min}) must not exceed MaxCount (${max}${cr.value.MaxCount === undefined ? ', the default' : ''})`);
      }
      if (capacity === 'CAPACITY_BLOCK') {
        if (min !== max || max === 0) {
          ctx.report([...cr.path, 'MinCount'], `a CAPACITY_BLOCK queue needs MinCount = MaxCount > 0 (static nodes), got ${min} and ${max}`);
        }
        if (dig(cr.value, 'CapacityReservationTarget', 'CapacityReservationId') === undefined && dig(q.value, 'CapacityReservationTarget', 'CapacityReservationId') === undefined) {
          ctx.report([...cr.path, 'CapacityReservationTarget'], 'a CAPACITY_BLOCK queue needs CapacityReservationTarget.CapacityReservationId on the queue or the compute resource');
        }
      }
      if (cr.value.SpotPrice !== undefined && capacity !== 'SPOT') {
        ctx.report([...cr.path, 'SpotPrice'], `SpotPrice is ignored because the queue's CapacityType is ${capacity}`, 'warning');
      }
    }
    const strategy = str(q.value.AllocationStrategy);
    if (strategy && SPOT_ONLY.includes(strategy) && capacity !== 'SPOT') {
      ctx.report([...q.path, 'AllocationStrategy'], `${strategy} only applies to CapacityType SPOT (this queue is ${capacity})`);
    }
    if (strategy && ONDEMAND_ONLY.includes(strategy) && capacity !== 'ONDEMAND') {
      ctx.report([...q.path, 'AllocationStrategy'], `${strategy} only applies to CapacityType ONDEMAND (this queue is ${capacity})`);
    }
  }
};

const placement: Rule = (ctx) => {
  for (const q of slurmQueues(ctx.config)) {
    const subnets = arr(dig(q.value, 'Networking', 'SubnetIds')).length;
    const queuePg = obj(dig(q.value, 'Networking', 'PlacementGroup'));
    if (queuePg?.Id !== undefined && queuePg.Name !== undefined) {
      ctx.report([...q.path, 'Networking', 'PlacementGroup', 'Id'], 'PlacementGroup Id and Name cannot both be set (Id is the older spelling of Name)');
    }
    const enabled = (pg: Record<string, unknown> | undefined) =>
      pg !== undefined && (pg.Enabled === true || pg.Name !== undefined || pg.Id !== undefined) && pg.Enabled !== false;
    if (subnets > 1 && enabled(queuePg)) {
      ctx.report([...q.path, 'Networking', 'PlacementGroup'], 'a placement group lives in one Availability Zone; it cannot be used by a queue with several SubnetIds');
    }
    for (const cr of computeResources(q)) {
      const crPg = obj(dig(cr.value, 'Networking', 'PlacementGroup'));
      if (crPg?.Id !== undefined && crPg.Name !== undefined) {
        ctx.report([...cr.path, 'Networking', 'PlacementGroup', 'Id'], 'PlacementGroup Id and Name cannot both be set (Id is the older spelling of Name)');
      }
      if (subnets > 1 && enabled(crPg)) {
        ctx.report([...cr.path, 'Networking', 'PlacementGroup'], 'a placement group lives in one Availability Zone; it cannot be used in a queue with several SubnetIds');
      }
      // EfaPlacementGroupValidator stays quiet for capacity blocks (placed already) and multi-subnet queues
      // (EfaMultiAzValidator speaks for those).
      if (dig(cr.value, 'Efa', 'Enabled') !== true || str(q.value.CapacityType) === 'CAPACITY_BLOCK' || subnets > 1) continue;
      const effective = crPg ?? queuePg;
      if (effective === undefined) {
        ctx.report([...cr.path, 'Efa', 'Enabled'], 'EFA is enabled but no placement group is configured; set Networking.PlacementGroup (Enabled: true, or Enabled: false to accept the lower performance) on the compute resource or the queue');
      } else if (effective.Enabled === false) {
        ctx.report([...cr.path, 'Efa', 'Enabled'], 'EFA without a placement group may reduce network performance', 'warning');
      }
    }
  }
};

export const computeRules: readonly Rule[] = [instances, counts, placement];
