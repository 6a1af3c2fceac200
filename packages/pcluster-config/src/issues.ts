/** One problem found in a ParallelCluster configuration. */
export interface ConfigIssue {
  /** Where the problem is, e.g. `Scheduling.SlurmQueues[0].ComputeResources[1].MinCount`; `` for the document. */
  path: string;
  message: string;
  /** 1-based, present when the input was YAML text. */
  line?: number;
  column?: number;
  severity: 'error' | 'warning';
}

export type PathSegment = string | number;

export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out === '' ? s : `.${s}`;
  }
  return out;
}

/** One line per issue, `path: message` (plus `line:column` when known), for people reading a terminal. */
export function formatIssues(issues: readonly ConfigIssue[], source = ''): string {
  return issues
    .map((i) => {
      const where = i.line !== undefined ? `${source}${source ? ':' : ''}${i.line}:${i.column ?? 1} ` : '';
      return `${where}${i.severity}: ${i.path || '(document)'}: ${i.message}`;
    })
    .join('\n');
}
