export { deployWaves, stackGraph, type StackNode } from './graph.js';
export { modelledResources, type ResourceCounts } from './resources.js';
export { deployTiming, TYPICAL_MINUTES, type DeployTiming, type Phase, type StackTiming } from './timing.js';
