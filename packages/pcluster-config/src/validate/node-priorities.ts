/** SlurmNodePrioritiesWarningValidator: Slurm should pick idle static nodes before it powers up dynamic ones. */
import { computeResources, num, slurmQueues, str, type Rule } from './context.js';

/** ParallelCluster's defaults: static nodes weigh 1, dynamic nodes 1000 (lower weight = chosen first). */
export const DEFAULT_STATIC_NODE_PRIORITY = 1;
export const DEFAULT_DYNAMIC_NODE_PRIORITY = 1000;

const nodePriorities: Rule = (ctx) => {
  for (const q of slurmQueues(ctx.config)) {
    const crs = computeResources(q).map((cr) => {
      const min = num(cr.value.MinCount) ?? 0;
      const max = num(cr.value.MaxCount) ?? 10;
      return {
        name: str(cr.value.Name) ?? '?',
        static: min > 0 ? (num(cr.value.StaticNodePriority) ?? DEFAULT_STATIC_NODE_PRIORITY) : undefined,
        dynamic: max > min ? (num(cr.value.DynamicNodePriority) ?? DEFAULT_DYNAMIC_NODE_PRIORITY) : undefined,
      };
    });
    const statics = crs.filter((c) => c.static !== undefined);
    const dynamics = crs.filter((c) => c.dynamic !== undefined);
    if (!statics.length || !dynamics.length) continue;
    const maxStatic = Math.max(...statics.map((c) => c.static!));
    const minDynamic = Math.min(...dynamics.map((c) => c.dynamic!));
    if (maxStatic < minDynamic) continue;
    const badStatic = statics.filter((c) => c.static! >= minDynamic).map((c) => `${c.name}=${c.static}`);
    const badDynamic = dynamics.filter((c) => c.dynamic! <= maxStatic).map((c) => `${c.name}=${c.dynamic}`);
    ctx.report([...q.path, 'ComputeResources'], `in queue "${str(q.value.Name) ?? '?'}" some static nodes weigh as much as or more than dynamic ones, so Slurm may power up dynamic nodes while static ones idle: static ${badStatic.join(', ')} ≥ lowest dynamic ${minDynamic}; dynamic ${badDynamic.join(', ')} ≤ highest static ${maxStatic}`, 'warning');
  }
};

export const nodePriorityRules: readonly Rule[] = [nodePriorities];
