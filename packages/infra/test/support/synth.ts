import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { createApp } from '../../src/app.js';
import { loadDeploymentConfig, type DeploymentConfig } from '../../src/config/index.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const EXAMPLES = ['cn-north-1', 'cn-northwest-1', 'us-east-1'] as const;
export type Example = (typeof EXAMPLES)[number];
export const examplePath = (name: Example) => join(REPO_ROOT, 'examples', `${name}.yaml`);

export type CfnTemplate = { Resources: Record<string, { Type: string; Properties?: any; DependsOn?: unknown }>; Outputs?: Record<string, any> };

export interface Synthesized {
  readonly config: DeploymentConfig;
  readonly outdir: string;
  /** By construct id: VPC, AuroraServerless, ... */
  readonly templates: Record<string, CfnTemplate>;
  readonly templateFiles: string[];
}

/** Synthesizes one config through the real app (cdk-nag and the CloudFormation validator included). */
export function synthesize(config: DeploymentConfig): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'hpc-ha-infra-test-'));
  const assembly = createApp(config, { outdir }).synth();
  const templates: Record<string, CfnTemplate> = {};
  const templateFiles: string[] = [];
  for (const stack of assembly.stacks) {
    templates[stack.id] = stack.template as CfnTemplate;
    templateFiles.push(join(outdir, stack.templateFile));
  }
  return { config, outdir, templates, templateFiles };
}

/** An example config with some keys changed, written to a temp file and loaded by the real loader. */
export function variantConfig(example: Example | 'cn-north-1-ondemand', edits: Record<string, unknown>): DeploymentConfig {
  const doc = parseDocument(readFileSync(join(REPO_ROOT, 'examples', `${example}.yaml`), 'utf8'));
  for (const [path, value] of Object.entries(edits)) {
    const keys = path.split('.');
    if (value === undefined) doc.deleteIn(keys);
    else doc.setIn(keys, value);
  }
  const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-variant-'));
  const file = join(dir, `${example}-variant.yaml`);
  writeFileSync(file, doc.toString());
  try {
    return loadDeploymentConfig(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function resourcesOfType(t: CfnTemplate, type: string): [string, { Type: string; Properties?: any }][] {
  return Object.entries(t.Resources).filter(([, r]) => r.Type === type);
}

/**
 * Follows a value across stacks: `{Ref}` within a template, `{"Fn::ImportValue": name}` to the exporting stack's
 * output. Returns the stack id and logical id of the resource it names (or undefined for anything else).
 */
export function referencedResource(s: Synthesized, stackId: string, value: unknown): { stackId: string; logicalId: string } | undefined {
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v['Ref'] === 'string') return { stackId, logicalId: v['Ref'] };
    const getAtt = v['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return { stackId, logicalId: getAtt[0] };
    const imported = v['Fn::ImportValue'];
    if (typeof imported === 'string') {
      for (const [id, t] of Object.entries(s.templates)) {
        for (const out of Object.values(t.Outputs ?? {})) {
          if (out.Export?.Name === imported) return referencedResource(s, id, out.Value);
        }
      }
    }
  }
  return undefined;
}

export function resourceAt(s: Synthesized, ref: { stackId: string; logicalId: string } | undefined) {
  if (!ref) return undefined;
  return s.templates[ref.stackId]?.Resources[ref.logicalId];
}

/** The AZ of a subnet reference (any stack). */
export function subnetAz(s: Synthesized, stackId: string, value: unknown): string | undefined {
  const subnet = resourceAt(s, referencedResource(s, stackId, value));
  return subnet?.Type === 'AWS::EC2::Subnet' ? (subnet.Properties.AvailabilityZone as string) : undefined;
}

/**
 * Whether cfn-lint runs here. Tests that need it run when it does, and always in CI (CI=true), where they first
 * assert it is installed: a missing tool fails there instead of skipping.
 */
export const CFN_LINT_AVAILABLE = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;
export const RUN_CFN_LINT = CFN_LINT_AVAILABLE || process.env['CI'] === 'true';
