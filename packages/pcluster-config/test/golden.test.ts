import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode } from 'ini';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderClusterConfig, renderLegacyIni, validateClusterConfig } from '../src/index.js';
import { EXAMPLES, legacyVariant } from './fixtures/example-specs.js';
import { sectionProblems } from './fixtures/pcluster-2.11-sections.js';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function golden(rel: string, actual: string): void {
  const file = join(GOLDEN, rel);
  if (UPDATE) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
  }
  expect(actual, `${rel} differs from the golden file (UPDATE_GOLDEN=1 rewrites it)`).toBe(readFileSync(file, 'utf8'));
}

/** Python's configparser is what ParallelCluster 2.x read its INI with. */
function configparser(text: string): Record<string, Record<string, string>> {
  const py = 'import configparser,json,sys\nc=configparser.ConfigParser()\nc.read_string(sys.stdin.read())\nprint(json.dumps({s: dict(c[s]) for s in c.sections()}))';
  return JSON.parse(execFileSync('python3', ['-c', py], { input: text, encoding: 'utf8' })) as Record<string, Record<string, string>>;
}

describe.each(EXAMPLES)('example deployment $deployment', ({ deployment, specs }) => {
  it.each(specs.map((s) => [s.clusterName, s] as const))('%s: v3 YAML matches its golden file and validates', (name, spec) => {
    const { config, yaml } = renderClusterConfig(spec);
    golden(`${deployment}/${name}.yaml`, yaml);
    expect(yaml.endsWith('\n')).toBe(true);
    expect(parse(yaml, { version: '1.1' })).toEqual(config);
    expect(renderClusterConfig(structuredClone(spec)).yaml).toBe(yaml);
    const result = validateClusterConfig(yaml, { clusterName: name });
    expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(yaml).toContain(`MountDir: /fsx_cluster${name.slice(-1)}`);
  });

  it.each(specs.map((s) => [s.clusterName, s] as const))('%s: 2.11 INI matches its golden file and reads back in configparser', (name, spec) => {
    const text = renderLegacyIni(legacyVariant(spec));
    golden(`${deployment}/${name}.ini`, text);
    const sections = configparser(text);
    // Readable by configparser is not enough: every key must sit in the section 2.11 reads it from.
    expect(sectionProblems(sections)).toEqual([]);
    expect(sections['scaling custom']).toEqual({ scaledown_idletime: String(spec.scaledownIdletimeMinutes ?? 10) });
    const cluster = sections[`cluster ${name}`]!;
    expect(cluster.base_os).toBe('alinux2');
    expect(cluster.queue_settings).toBe('compute,mpi');
    expect(JSON.parse(cluster.tags!)).toEqual(spec.tags);
    expect(sections[`vpc ${name}`]!.master_subnet_id).toBe(spec.headNode.subnetId);
    expect(sections['fsx fsx']!.fsx_fs_id).toBe(spec.sharedStorage.fsxLustre!.fileSystemId);
    expect(sections['queue mpi']).toMatchObject({ enable_efa: 'true', placement_group: 'DYNAMIC' });
    expect(sections['compute_resource compute_c5-4xlarge']).toEqual({ instance_type: 'c5.4xlarge', min_count: '0', max_count: '4' });
    expect(decode(text)[`cluster ${name}`].additional_iam_policies).toMatch(/^arn:aws(-cn)?:iam::aws:policy\//);
    // 2.x has no MungeKeySecretArn: the post_install script gets the secret ARN as its argument.
    expect(cluster.post_install).toBe(spec.customActions!.headNode!.scriptUri.replace('head-node.sh', 'post-install.sh'));
    expect(cluster.post_install_args).toBe(spec.mungeKeySecretArn);
  });
});

it('China examples carry arn:aws-cn ARNs only', () => {
  for (const { deployment, specs } of EXAMPLES.filter((e) => e.deployment.startsWith('cn-'))) {
    for (const s of specs) {
      const { yaml } = renderClusterConfig(s);
      expect(yaml, deployment).not.toMatch(/arn:aws:/);
      expect(renderLegacyIni(legacyVariant(s)), deployment).not.toMatch(/arn:aws:/);
    }
  }
});

it('the 2.11 section table catches a key in the wrong section, an unknown section and a dangling reference', () => {
  const ok = { global: { cluster_template: 'c' }, 'cluster c': { base_os: 'alinux2', scheduler: 'slurm', vpc_settings: 'v', scaling_settings: 's' }, 'vpc v': { vpc_id: 'vpc-1', master_subnet_id: 'subnet-1' }, 'scaling s': { scaledown_idletime: '10' } };
  expect(sectionProblems(ok)).toEqual([]);
  expect(sectionProblems({ ...ok, 'cluster c': { ...ok['cluster c'], scaledown_idletime: '10' } })).toEqual(['[cluster c] scaledown_idletime: not a key of this section in 2.11']);
  expect(sectionProblems({ ...ok, 'scaling t': { scaledown_idletime: '5' }, 'cluster c': { ...ok['cluster c'], scaling_settings: 'x' } })).toEqual(['[cluster c] scaling_settings = x: no [scaling x] section']);
  expect(sectionProblems({ ...ok, 'queues q': {} })).toEqual(['[queues q]: no such section in 2.11']);
});
