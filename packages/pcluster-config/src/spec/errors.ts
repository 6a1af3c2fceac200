export interface SpecProblem {
  path: string;
  message: string;
}

/** Thrown for a spec a generator cannot render; lists every problem with its path, one per line. */
export class ClusterSpecError extends Error {
  override readonly name = 'ClusterSpecError';
  readonly problems: readonly SpecProblem[];

  constructor(what: string, problems: readonly SpecProblem[]) {
    super(`${what}:\n${problems.map((p) => `  - ${p.path || '(spec)'}: ${p.message}`).join('\n')}`);
    this.problems = problems;
  }
}
