/**
 * The two sides of an update as plain templates: a cloud assembly directory (what `hpc-ha synth` or `cdk synth`
 * writes), or the templates CloudFormation holds for the deployed stacks (see deployed.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { usageError } from '../exit.js';

export type Rec = Record<string, unknown>;
export const isRec = (v: unknown): v is Rec => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface Template {
  readonly Resources?: Record<string, TemplateResource>;
  readonly Outputs?: Record<string, { Value?: unknown; Export?: { Name?: unknown } }>;
}
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Rec;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly Metadata?: Rec;
}

export interface StackTemplate {
  /** The construct id (`EFS`), the same on both sides whatever the deployment's name. */
  readonly id: string;
  /** The CloudFormation stack name (`<name>-EFS`). */
  readonly stackName: string;
  readonly template: Template;
}

export interface Assembly {
  /** Where it came from, for messages: a directory or `deployed stacks of <name>`. */
  readonly source: string;
  readonly stacks: readonly StackTemplate[];
}

/** The stacks of a cloud assembly directory, from its manifest.json (nested assemblies are not used by hpc-ha). */
export function readAssembly(dir: string): Assembly {
  const root = resolve(dir);
  const manifestFile = join(root, 'manifest.json');
  if (!existsSync(manifestFile)) throw usageError(`${dir} is not a cloud assembly: it has no manifest.json`, 'point at the directory `hpc-ha synth --out <dir>` wrote');
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  } catch (e) {
    throw usageError(`${manifestFile} is not JSON: ${(e as Error).message}`);
  }
  const artifacts = isRec(manifest) && isRec(manifest.artifacts) ? manifest.artifacts : {};
  const stacks: StackTemplate[] = [];
  for (const [id, a] of Object.entries(artifacts)) {
    if (!isRec(a) || a.type !== 'aws:cloudformation:stack' || !isRec(a.properties)) continue;
    const file = a.properties.templateFile;
    if (typeof file !== 'string') continue;
    const path = join(root, file);
    if (!existsSync(path)) throw usageError(`${dir}: the template ${file} of stack ${id} is missing`, 'synthesize the assembly again');
    const stackName = typeof a.properties.stackName === 'string' ? a.properties.stackName : id;
    stacks.push({ id: typeof a.displayName === 'string' ? a.displayName : id, stackName, template: JSON.parse(readFileSync(path, 'utf8')) as Template });
  }
  if (!stacks.length) throw usageError(`${dir} holds no CloudFormation stack`, 'point at the directory `hpc-ha synth --out <dir>` wrote');
  return { source: dir, stacks };
}

/** The construct path of a resource (`EFS/FileSystem/Resource`), when the template carries CDK metadata. */
export function cdkPath(r: TemplateResource): string | undefined {
  const p = r.Metadata?.['aws:cdk:path'];
  return typeof p === 'string' ? p : undefined;
}

/** The resources of a stack, without the CDK's version-reporting resource (analytics, no deployed state). */
export function resources(s: StackTemplate): [string, TemplateResource][] {
  return Object.entries(s.template.Resources ?? {}).filter(([, r]) => isRec(r) && typeof r.Type === 'string' && r.Type !== 'AWS::CDK::Metadata');
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => deepEqual(v, b[i]));
  }
  if (!isRec(a) || !isRec(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => k in b && deepEqual(a[k], b[k]));
}

/** Names a user may give for a resource: `FileSystem8A8E25C0`, `EFS/FileSystem8A8E25C0`, `hpcha-EFS/…`, `EFS/FileSystem`. */
export function resourceKeys(stack: StackTemplate, logicalId: string, r: TemplateResource): string[] {
  const path = cdkPath(r);
  const keys = [logicalId, `${stack.id}/${logicalId}`, `${stack.stackName}/${logicalId}`];
  if (path) keys.push(path, path.replace(/\/(Resource|Default)$/, ''));
  return [...new Set(keys)];
}

