/**
 * CloudFormation hands custom resources every scalar property as a string ("397", "true"), so the
 * handlers parse them here, collecting every problem into one error that names each property.
 */
export class PropertyErrors {
  private readonly problems: string[] = [];

  constructor(private readonly props: Readonly<Record<string, unknown>>) {}

  add(key: string, problem: string): void {
    this.problems.push(`${key}: ${problem}`);
  }

  /** Throws one error listing every problem found so far. */
  check(resource: string): void {
    if (this.problems.length > 0) {
      throw new Error(`Invalid ${resource} properties:\n  - ${this.problems.join('\n  - ')}`);
    }
  }

  string(key: string): string | undefined {
    const value = this.props[key];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') {
      this.add(key, `must be a string, got ${typeof value}`);
      return undefined;
    }
    return value;
  }

  requiredString(key: string): string {
    const raw = this.props[key];
    if (raw === undefined || raw === null || raw === '') {
      this.add(key, 'is required');
      return '';
    }
    return this.string(key) ?? '';
  }

  integer(key: string, fallback: number, min: number, max: number): number {
    const raw = this.props[key];
    if (raw === undefined || raw === null || raw === '') return fallback;
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      this.add(key, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return value;
  }

  boolean(key: string, fallback: boolean): boolean {
    const raw = this.props[key];
    if (raw === undefined || raw === null || raw === '') return fallback;
    if (raw === true || raw === 'true') return true;
    if (raw === false || raw === 'false') return false;
    this.add(key, `must be "true" or "false", got ${JSON.stringify(raw)}`);
    return fallback;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const raw = this.props[key];
    if (raw === undefined || raw === null || raw === '') return fallback;
    if (typeof raw === 'string' && (allowed as readonly string[]).includes(raw)) return raw as T;
    this.add(key, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(raw)}`);
    return fallback;
  }

  stringList(key: string): string[] | undefined {
    const raw = this.props[key];
    if (raw === undefined || raw === null || raw === '') return undefined;
    if (!Array.isArray(raw) || raw.some((item) => typeof item !== 'string')) {
      this.add(key, 'must be a list of strings');
      return undefined;
    }
    return raw as string[];
  }
}
