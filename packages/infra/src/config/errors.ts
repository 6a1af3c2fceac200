/** A problem found in a deployment config file, located so an editor can jump to it. */
export interface ConfigIssue {
  /** The file as the user named it. */
  readonly file: string;
  /** 1-based; 0 when the problem has no place in the file (e.g. the file is missing). */
  readonly line: number;
  /** 1-based; 0 when `line` is 0. */
  readonly column: number;
  /** Dotted path of the key, e.g. `clusters.queues[0].name`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  const prefix = issue.severity === 'warning' ? 'warning: ' : '';
  return `${where} ${prefix}${issue.path ? `${issue.path}: ` : ''}${issue.message}`;
}

/** Thrown for any bad config; its message lists every problem, one per line, in file order. */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const sorted = [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
    const n = sorted.length;
    super(`${n} problem${n === 1 ? '' : 's'} in ${sorted[0]?.file ?? 'the config'}:\n${sorted.map(formatIssue).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = sorted;
  }
}

export function isConfigError(e: unknown): e is ConfigError {
  return e instanceof ConfigError;
}
