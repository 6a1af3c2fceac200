import type { PathSegment } from '../paths.js';

export interface RawIssue {
  readonly path: readonly PathSegment[];
  readonly message: string;
  readonly severity: 'error' | 'warning';
  /** Point at the key rather than its value (unknown or misplaced keys). */
  readonly at?: 'key' | 'value';
}

export class Report {
  readonly issues: RawIssue[] = [];

  error(path: readonly PathSegment[], message: string, at: 'key' | 'value' = 'value'): void {
    this.issues.push({ path, message, severity: 'error', at });
  }

  warning(path: readonly PathSegment[], message: string): void {
    this.issues.push({ path, message, severity: 'warning' });
  }
}

export const quote = (v: unknown): string => JSON.stringify(v);
