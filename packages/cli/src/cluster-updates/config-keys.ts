/**
 * Which `hpc-ha.yaml` key (and line) a ParallelCluster key of a generated cluster config comes from, so a refused
 * update names what the user edited, not only the ParallelCluster key hpc-ha generated from it.
 */
import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { CLUSTER_IDS, clusterName, type ClusterId } from '@hpc-ha/infra/config';

type Segment = string | number;

export interface ConfigKey {
  /** `clusters.queues[0].computeResources[0].maxCount` */
  readonly key: string;
  /** 1-based line of that key in the file, when the file writes it (a default has none). */
  readonly line?: number;
}

/** ParallelCluster compute-resource and queue keys, by the hpc-ha.yaml key that sets them. */
const COMPUTE_RESOURCE_KEYS: Record<string, string> = {
  InstanceType: 'instanceType',
  Instances: 'instanceType',
  MinCount: 'minCount',
  MaxCount: 'maxCount',
  DisableSimultaneousMultithreading: 'disableSimultaneousMultithreading',
  Efa: 'efa',
};
const QUEUE_KEYS: Record<string, string> = { CapacityType: 'capacityType', ComputeResources: 'computeResources' };
const CLUSTER_KEYS: [RegExp, Segment[]][] = [
  [/^HeadNode\.InstanceType$/, ['clusters', 'headNode', 'instanceType']],
  [/^HeadNode\.LocalStorage\.RootVolume\.Size$/, ['clusters', 'headNode', 'rootVolumeGiB']],
  [/^HeadNode\b/, ['clusters', 'headNode']],
  [/^Image\.Os$/, ['clusters', 'os']],
  [/^Tags\b/, ['tags']],
  [/^DirectoryService\b/, ['directory']],
  [/^SharedStorage\b/, ['storage']],
];

const dotted = (path: readonly Segment[]) => path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');

/** The hpc-ha.yaml source, parsed once for every key of a plan. */
export class ConfigSource {
  private readonly doc: Document;
  private readonly lines = new LineCounter();

  constructor(readonly file: string, text = readFileSync(file, 'utf8')) {
    this.doc = parseDocument(text, { lineCounter: this.lines, keepSourceTokens: false });
  }

  /** The cluster id of a ParallelCluster cluster name of this deployment. */
  clusterId(deploymentName: string, cluster: string): ClusterId | undefined {
    return CLUSTER_IDS.find((id) => clusterName(deploymentName, id) === cluster);
  }

  private line(path: readonly Segment[]): number | undefined {
    const node = this.doc.getIn(path, true);
    const offset = isNode(node) ? node.range?.[0] : undefined;
    return offset === undefined ? undefined : this.lines.linePos(offset).line;
  }

  private queues(id: ClusterId): { path: Segment[]; name: unknown; resources: unknown[] }[] {
    const list = (base: Segment[]) => {
      const items = this.doc.getIn(base);
      const js = items && typeof items === 'object' && 'toJSON' in items ? (items as { toJSON(): unknown }).toJSON() : undefined;
      return Array.isArray(js) ? js.map((q: Record<string, unknown>, i) => ({ path: [...base, i], name: q?.['name'], resources: Array.isArray(q?.['computeResources']) ? q['computeResources'] : [] })) : [];
    };
    return [...list(['clusters', 'queues']), ...list(['clusters', 'overrides', id, 'queues'])];
  }

  /** The hpc-ha.yaml key behind a ParallelCluster key of cluster `id`, or undefined when hpc-ha sets it itself. */
  keyOf(id: ClusterId, pclusterPath: string): ConfigKey | undefined {
    const q = /^Scheduling\.SlurmQueues\[([^\]]+)\](?:\.ComputeResources\[([^\]]+)\])?(?:\.([A-Za-z]+))?/.exec(pclusterPath);
    let path: Segment[] | undefined;
    if (q) {
      const queue = this.queues(id).find((x) => x.name === q[1]);
      if (queue) {
        if (q[2] !== undefined) {
          const j = queue.resources.findIndex((r) => (r as Record<string, unknown> | undefined)?.['name'] === q[2]);
          path = j < 0 ? [...queue.path, 'computeResources'] : [...queue.path, 'computeResources', j, ...(q[3] && COMPUTE_RESOURCE_KEYS[q[3]] ? [COMPUTE_RESOURCE_KEYS[q[3]]!] : [])];
        } else path = [...queue.path, ...(q[3] && QUEUE_KEYS[q[3]] ? [QUEUE_KEYS[q[3]]!] : [])];
      } else path = ['clusters', 'queues'];
    } else {
      path = CLUSTER_KEYS.find(([re]) => re.test(pclusterPath))?.[1];
    }
    if (!path) return undefined;
    // A key left to its default is not in the file: name it, and the line of the nearest part that is.
    for (let n = path.length; n > 0; n--) {
      const line = this.line(path.slice(0, n));
      if (line !== undefined) return { key: dotted(path), line };
    }
    return { key: dotted(path) };
  }
}

/** `set in hpc-ha.yaml:38 clusters.queues[0].computeResources[0].maxCount`, or that hpc-ha sets the key itself. */
export function describeConfigKey(file: string, key: ConfigKey | undefined): string {
  if (!key) return `set by hpc-ha itself, not by ${file} (an hpc-ha upgrade changed it)`;
  return `set in ${file}${key.line !== undefined ? `:${key.line}` : ''} ${key.key}`;
}
