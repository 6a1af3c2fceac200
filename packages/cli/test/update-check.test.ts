/**
 * `hpc-ha update-check` through the built binary: one synthesized example as the deployed side, and mutations of it
 * (templates edited the way a code change would, or a changed config synthesized by `-c`) that must be refused with
 * exit 2, or pass with exit 0 and say what changes.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, runCli } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-cli-update-check-'));
const CONFIG = `${EXAMPLES}/cn-north-1.yaml`;
const base = join(dir, 'base');
let n = 0;

type Resource = { Type: string; Properties?: any; DeletionPolicy?: string; UpdateReplacePolicy?: string; Metadata?: any };
type Template = { Resources: Record<string, Resource>; Outputs?: Record<string, any> };

beforeAll(async () => {
  const r = await runCli(['synth', '-c', CONFIG, '--out', base], { timeoutMs: 400_000 });
  if (r.code !== 0) throw new Error(`synth failed: ${r.stderr}`);
}, 420_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the base assembly with `edit` applied to its templates (by stack construct id). */
function mutated(edit: (t: Record<string, Template>) => void): string {
  const out = join(dir, `mutant-${++n}`);
  cpSync(base, out, { recursive: true });
  const ids = ['VPC', 'EFS', 'FSX', 'ALB', 'Clusters', 'AuroraServerless', 'EnginFrame'];
  const templates = Object.fromEntries(ids.map((id) => [id, JSON.parse(readFileSync(join(out, `${id}.template.json`), 'utf8')) as Template]));
  edit(templates);
  for (const id of ids) writeFileSync(join(out, `${id}.template.json`), JSON.stringify(templates[id]));
  return out;
}

/** The example config with `edit` applied, written next to the assemblies. */
function variant(edit: (doc: ReturnType<typeof parseDocument>) => void): string {
  const doc = parseDocument(readFileSync(CONFIG, 'utf8'));
  edit(doc);
  const file = join(dir, `variant-${++n}.yaml`);
  writeFileSync(file, doc.toString());
  return file;
}

const ofType = (t: Template, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);

async function check(args: string[], timeoutMs = 120_000) {
  const r = await runCli(['update-check', '--from', base, ...args, '--json'], { timeoutMs });
  const report = r.stdout.trim() ? JSON.parse(r.stdout) : undefined;
  return { ...r, report };
}

describe('hpc-ha update-check: refused (exit 2, with the reason and what to do)', { timeout: 150_000 }, () => {
  it('an unchanged assembly passes and reports every stack unchanged', async () => {
    const r = await check(['--to', base]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.report.refusals).toEqual([]);
    expect(r.report.stacks.map((s: any) => s.status)).toEqual(r.report.stacks.map(() => 'unchanged'));
  });

  it('an FSx deployment type change replaces the Lustre file systems (create-only LustreConfiguration.DeploymentType)', async () => {
    const to = mutated((t) => {
      for (const [, fs] of ofType(t.FSX!, 'AWS::FSx::FileSystem')) fs.Properties.LustreConfiguration.DeploymentType = 'PERSISTENT_1';
    });
    const r = await check(['--to', to]);
    expect(r.code).toBe(2);
    const refused = r.report.refusals.filter((x: any) => x.kind === 'stateful-replaced' && x.stack === 'FSX');
    expect(refused).toHaveLength(2);
    expect(refused[0].reason).toContain('LustreConfiguration.DeploymentType');
    expect(refused[0].reason).toContain('retained, orphaned');
    expect(refused[0].fix).toContain('--force-replace');
  });

  it('an FSx storage type change is refused: FSx cannot change it in place', async () => {
    const to = mutated((t) => {
      const [, fs] = ofType(t.FSX!, 'AWS::FSx::FileSystem')[0]!;
      fs.Properties.StorageType = 'HDD';
    });
    const r = await check(['--to', to]);
    expect(r.code).toBe(2);
    expect(r.report.refusals.map((x: any) => x.kind)).toContain('refused-in-place');
    expect(r.report.refusals.find((x: any) => x.kind === 'refused-in-place').reason).toContain('storage type');
  });

  it('an EFS performance mode change replaces the shared file system', async () => {
    const to = mutated((t) => {
      const [, fs] = ofType(t.EFS!, 'AWS::EFS::FileSystem')[0]!;
      fs.Properties.PerformanceMode = fs.Properties.PerformanceMode === 'maxIO' ? 'generalPurpose' : 'maxIO';
    });
    const r = await check(['--to', to]);
    expect(r.code).toBe(2);
    expect(r.report.refusals).toEqual([expect.objectContaining({ kind: 'stateful-replaced', stack: 'EFS', reason: expect.stringContaining('PerformanceMode') })]);
  });

  it("the EFS file system's logical ID changed: deleted and created empty", async () => {
    const to = mutated((t) => {
      const [id, fs] = ofType(t.EFS!, 'AWS::EFS::FileSystem')[0]!;
      delete t.EFS!.Resources[id];
      t.EFS!.Resources['SharedFileSystemABCD1234'] = fs;
    });
    const r = await check(['--to', to]);
    expect(r.code).toBe(2);
    const renamed = r.report.refusals.find((x: any) => x.kind === 'stateful-renamed');
    expect(renamed.reason).toContain('SharedFileSystemABCD1234');
    expect(renamed.keys).toContain('EFS/FileSystem');
  });

  it('the munge-key secret moved to another stack: the secret is lost and the key gets a new value on one side', async () => {
    const to = mutated((t) => {
      for (const [id, r] of Object.entries(t.VPC!.Resources)) {
        if (!String(r.Metadata?.['aws:cdk:path'] ?? '').startsWith('VPC/MungeKey/')) continue;
        delete t.VPC!.Resources[id];
        t.EFS!.Resources[id] = { ...r, Metadata: { 'aws:cdk:path': String(r.Metadata['aws:cdk:path']).replace(/^VPC/, 'EFS') } };
      }
    });
    const r = await check(['--to', to]);
    expect(r.code).toBe(2);
    const kinds = r.report.refusals.map((x: any) => x.kind);
    expect(kinds).toContain('stateful-moved');
    expect(kinds).toContain('shared-secret');
    const shared = r.report.refusals.find((x: any) => x.kind === 'shared-secret');
    expect(shared.reason).toContain('munge key would get a new value');
    expect(shared.reason).toContain('hpcha-Clusters');
  });

  it('an export removed while another stack imports it', async () => {
    const to = mutated((t) => {
      const [key] = Object.entries(t.EFS!.Outputs!).find(([, o]) => o.Export)!;
      delete t.EFS!.Outputs![key];
    });
    const r = await check(['--to', to]);
    expect(r.code).toBe(2);
    expect(r.report.refusals).toEqual([expect.objectContaining({ kind: 'export-in-use', stack: 'EFS', reason: expect.stringMatching(/is removed while .*import/) })]);
  });

  it('a head node instance type change: ParallelCluster refuses it on a running cluster', async () => {
    const config = variant((d) => d.setIn(['clusters', 'headNode', 'instanceType'], 'c5.2xlarge'));
    const r = await check(['-c', config], 400_000);
    expect(r.code).toBe(2);
    const refused = r.report.refusals.filter((x: any) => x.kind.startsWith('cluster-'));
    expect(refused.map((x: any) => x.target)).toEqual(['hpcha-cluster1: HeadNode.InstanceType', 'hpcha-cluster2: HeadNode.InstanceType']);
    // The stop-fleet case is told apart from a change no running state allows.
    expect(new Set(refused.map((x: any) => x.kind)).size).toBe(1);
  }, 420_000);

  it('--force-replace accepts a named loss (exit 0), but not a name that matches nothing (exit 2)', async () => {
    const to = mutated((t) => {
      const [, fs] = ofType(t.EFS!, 'AWS::EFS::FileSystem')[0]!;
      fs.Properties.PerformanceMode = 'maxIO';
    });
    const ok = await check(['--to', to, '--force-replace', 'EFS/FileSystem']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.report.accepted).toEqual([expect.objectContaining({ acceptedBy: 'force-replace', stack: 'EFS' })]);
    const typo = await check(['--to', to, '--force-replace', 'EFS/FileSytem']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('matches no resource');
  });

  it('a CHANGELOG entry with migration steps accepts the change; without them it is an error', async () => {
    const to = mutated((t) => {
      const [, fs] = ofType(t.EFS!, 'AWS::EFS::FileSystem')[0]!;
      fs.Properties.PerformanceMode = 'maxIO';
    });
    const log = join(dir, 'CHANGELOG.md');
    writeFileSync(log, '# Changelog\n\n## Unreleased\n\n### Breaking changes\n\n- `EFS/FileSystem` becomes maxIO.\n  Migration: back up /efs, deploy, restore.\n\n## 0.1.0\n');
    const ok = await check(['--to', to, '--changelog', log]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.report.accepted[0].acceptedBy).toBe('changelog');
    writeFileSync(log, '# Changelog\n\n## Unreleased\n\n### Breaking changes\n\n- `EFS/FileSystem` becomes maxIO.\n\n## 0.1.0\n');
    const bad = await check(['--to', to, '--changelog', log]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('CHANGELOG.md:7: the breaking change `EFS/FileSystem` has no migration steps');
  });
});

describe('hpc-ha update-check: safe updates pass (exit 0) and say what changes', { timeout: 420_000 }, () => {
  // One synthesized variant carries the three changes (a synth costs tens of seconds); each is asserted on its own.
  let r: Awaited<ReturnType<typeof check>>;
  beforeAll(async () => {
    const config = variant((d) => {
      d.setIn(['clusters', 'queues', 0, 'computeResources', 0, 'maxCount'], 20);
      const queues = d.getIn(['clusters', 'queues']) as { add(v: unknown): void };
      queues.add(d.createNode({ name: 'gpu', computeResources: [{ name: 'g4dn', instanceType: 'g4dn.xlarge', minCount: 0, maxCount: 2 }] }));
      d.setIn(['portal', 'instanceType'], 'm5.2xlarge');
    });
    r = await check(['-c', config], 400_000);
  }, 420_000);

  it('nothing is refused', () => {
    expect(r.code, r.stderr + JSON.stringify(r.report?.refusals)).toBe(0);
    expect(r.report.refusals).toEqual([]);
  });

  it("a queue's maxCount: a live cluster update", () => {
    const clusters = r.report.stacks.find((s: any) => s.id === 'Clusters');
    const changes = clusters.clusters.flatMap((c: any) => c.changes);
    expect(changes.find((x: any) => x.path === 'Scheduling.SlurmQueues[compute].ComputeResources[c5-4xl].MaxCount')).toMatchObject({ oldValue: 10, newValue: 20, blocked: false });
  });

  it('a new queue: added to both clusters, nothing blocked', () => {
    const clusters = r.report.stacks.find((s: any) => s.id === 'Clusters');
    for (const c of clusters.clusters) {
      expect(c.blocked).toEqual([]);
      expect(c.changes.some((x: any) => x.path.startsWith('Scheduling.SlurmQueues[gpu]'))).toBe(true);
    }
  });

  it("the portal nodes' instance type: their launch templates are updated (stateless), no data-holding resource touched", () => {
    const portal = r.report.stacks.find((s: any) => s.id === 'EnginFrame');
    expect(portal.status).toBe('changed');
    const templates = portal.changes.filter((x: any) => x.type === 'AWS::EC2::LaunchTemplate');
    expect(templates).toHaveLength(2);
    for (const t of templates) expect(t).toMatchObject({ action: 'update', stateful: false, why: expect.stringContaining('LaunchTemplateData') });
    expect(portal.changes.filter((x: any) => x.stateful && x.action !== 'update')).toEqual([]);
  });
});
