import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode } from 'ini';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderClusterConfig, renderLegacyIni, validateClusterConfig } from '../src/index.js';
import { EXAMPLES, legacyVariant } from './fixtures/example-specs.js';

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
