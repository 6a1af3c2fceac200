import {
  deployTiming,
  modelledResources,
  stackGraph,
  stackName,
  TYPICAL_MINUTES,
  type DeploymentConfig,
  type Phase,
  type ResourceCounts,
  type StackId,
} from '@hpc-ha/infra/config';

export interface PlannedStack {
  readonly id: StackId;
  readonly stackName: string;
  /** 1-based, as printed. */
  readonly wave: number;
  readonly dependsOn: readonly StackId[];
  readonly resourceCount: number;
  readonly resources: ResourceCounts;
  readonly startMinute: number;
  readonly finishMinute: number;
  readonly phases: readonly Phase[];
}

export interface Plan {
  readonly name: string;
  readonly region: string;
  readonly waves: readonly (readonly StackId[])[];
  readonly stacks: readonly PlannedStack[];
  readonly criticalPathMinutes: number;
  readonly serialMinutes: number;
  /** The figures the timing is built from (minutes), so a reader can check or rescale them. */
  readonly typicalMinutes: typeof TYPICAL_MINUTES;
}

/** Everything `hpc-ha plan` prints without credentials: no synth, no AWS call. */
export function offlinePlan(config: DeploymentConfig): Plan {
  const graph = stackGraph(config);
  const resources = modelledResources(config);
  const timing = deployTiming(config);
  const waveOf = new Map(timing.waves.flatMap((w, i) => w.map((id) => [id, i + 1] as const)));
  const stacks = timing.stacks.map((t): PlannedStack => {
    const counts = resources[t.id];
    return {
      id: t.id,
      stackName: stackName(config.name, t.id),
      wave: waveOf.get(t.id)!,
      dependsOn: graph.find((n) => n.id === t.id)!.dependsOn,
      resourceCount: Object.values(counts).reduce((a, b) => a + b, 0),
      resources: counts,
      startMinute: t.startMinute,
      finishMinute: t.finishMinute,
      phases: t.phases,
    };
  });
  return {
    name: config.name,
    region: config.region,
    waves: timing.waves,
    stacks,
    criticalPathMinutes: timing.criticalPathMinutes,
    serialMinutes: timing.serialMinutes,
    typicalMinutes: TYPICAL_MINUTES,
  };
}
