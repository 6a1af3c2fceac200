/**
 * Which property changes make CloudFormation replace a resource, from CloudFormation's own resource specification
 * as @aws-cdk/aws-service-spec ships it (the database aws-cdk-lib's L1 classes are generated from): a property
 * marked create-only (`causesReplacement: yes`, or `maybe` when it depends on the value), at any depth of nested
 * property types. Loaded on first use only (about a second and 2.6 MB): `--help` and `validate` never load it.
 */
import { NOT_STATEFUL_HERE, STATEFUL_RESOURCE_TYPES } from '@hpc-ha/infra/config';
import { deepEqual, isRec, type Rec } from './assembly.js';

interface SpecProperty {
  readonly causesReplacement?: 'yes' | 'no' | 'maybe';
  readonly type: SpecType;
}
type SpecType = { readonly type: string; readonly reference?: { readonly $ref: string }; readonly element?: SpecType };
interface SpecResource {
  readonly cloudFormationType: string;
  readonly isStateful?: boolean;
  readonly properties: Record<string, SpecProperty>;
  readonly additionalReplacementProperties?: string[][];
}
interface SpecDb {
  lookup(entity: 'resource', key: 'cloudFormationType', op: 'equals', value: string): { only(): SpecResource; length: number } & ArrayLike<SpecResource>;
  get(entity: 'typeDefinition', id: string): { readonly properties: Record<string, SpecProperty> };
  all(entity: 'resource'): SpecResource[];
}

export interface ReplacingChange {
  /** Dotted property path, `LustreConfiguration.DeploymentType`. */
  readonly path: string;
  /** `yes`: CloudFormation replaces the resource; `maybe`: it depends on the values (the spec cannot say). */
  readonly certainty: 'yes' | 'maybe';
}

export interface ResourceSpec {
  /** Whether the type is in the specification at all (custom resources are not). */
  known(type: string): boolean;
  /** A resource that holds data: the specification's own `isStateful`, plus the types hpc-ha treats as such. */
  isStateful(type: string): boolean;
  /** The changed properties that replace the resource, empty when the update happens in place. */
  replacingChanges(type: string, oldProps: Rec | undefined, newProps: Rec | undefined): ReplacingChange[];
  /** Every type the specification marks stateful (to keep hpc-ha's own list complete). */
  statefulTypes(): string[];
}

let loaded: Promise<ResourceSpec> | undefined;

/** The specification, loaded once per process. */
export function loadResourceSpec(): Promise<ResourceSpec> {
  loaded ??= import('@aws-cdk/aws-service-spec').then(async (m) => {
    const mod = m as unknown as { loadAwsServiceSpec?: () => Promise<unknown>; default?: { loadAwsServiceSpec: () => Promise<unknown> } };
    const load = mod.loadAwsServiceSpec ?? mod.default?.loadAwsServiceSpec;
    if (!load) throw new Error('@aws-cdk/aws-service-spec has no loadAwsServiceSpec');
    return specFrom((await load()) as SpecDb);
  });
  return loaded;
}

function specFrom(db: SpecDb): ResourceSpec {
  const cache = new Map<string, SpecResource | undefined>();
  const resource = (type: string): SpecResource | undefined => {
    if (!cache.has(type)) {
      const found = db.lookup('resource', 'cloudFormationType', 'equals', type);
      cache.set(type, found.length === 1 ? found[0] : undefined);
    }
    return cache.get(type);
  };
  const typeProps = (t: SpecType): Record<string, SpecProperty> | undefined =>
    t.type === 'ref' && t.reference ? db.get('typeDefinition', t.reference.$ref).properties : undefined;

  function walk(props: Record<string, SpecProperty>, oldV: Rec, newV: Rec, prefix: string, out: ReplacingChange[]): void {
    for (const key of new Set([...Object.keys(oldV), ...Object.keys(newV)])) {
      const [o, n] = [oldV[key], newV[key]];
      if (deepEqual(o, n)) continue;
      const p = props[key];
      if (!p) continue;
      const path = prefix ? `${prefix}.${key}` : key;
      if (p.causesReplacement === 'yes' || p.causesReplacement === 'maybe') {
        out.push({ path, certainty: p.causesReplacement });
        continue;
      }
      const nested = typeProps(p.type);
      if (nested && isRec(o) && isRec(n)) walk(nested, o, n, path, out);
      const element = p.type.type === 'array' && p.type.element ? typeProps(p.type.element) : undefined;
      if (element && Array.isArray(o) && Array.isArray(n) && o.length === n.length) {
        o.forEach((item, i) => {
          if (isRec(item) && isRec(n[i])) walk(element, item, n[i] as Rec, `${path}[${i}]`, out);
        });
      }
    }
  }

  return {
    known: (type) => resource(type) !== undefined,
    isStateful: (type) => (resource(type)?.isStateful === true && !(type in NOT_STATEFUL_HERE)) || STATEFUL_RESOURCE_TYPES.includes(type),
    statefulTypes: () => db.all('resource').filter((r) => r.isStateful === true).map((r) => r.cloudFormationType),
    replacingChanges(type, oldProps = {}, newProps = {}) {
      const spec = resource(type);
      if (!spec) return [];
      const out: ReplacingChange[] = [];
      walk(spec.properties, oldProps, newProps, '', out);
      for (const path of spec.additionalReplacementProperties ?? []) {
        const at = (v: unknown) => path.reduce<unknown>((acc, k) => (isRec(acc) ? acc[k] : undefined), v);
        const dotted = path.join('.');
        if (!deepEqual(at(oldProps), at(newProps)) && !out.some((c) => c.path === dotted)) out.push({ path: dotted, certainty: 'yes' });
      }
      return out;
    },
  };
}
