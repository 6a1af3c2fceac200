/**
 * Open OnDemand's Desktop app from the config file to what deploys: `hpc-ha validate` refuses it where compute nodes
 * cannot get the packages (naming the file and line), the portal offers it per cluster with that cluster's queues,
 * compute nodes install the packages, and the security groups open exactly the websockify range from the portal.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Vpc } from 'aws-cdk-lib/aws-ec2';
import { OOD_DESKTOP_PORTS } from '@hpc-ha/ondemand-config';
import { renderClusterConfig } from '@hpc-ha/pcluster-config';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { clusterArtifacts, ondemandBootstrapSpec, ondemandEnv, placeholderValues } from '../src/artifacts/index.js';
import { ConfigError, parseDeploymentConfig } from '../src/config/index.js';
import { HpcSecurityGroups } from '../src/constructs/security-groups.js';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { CFN_LINT_AVAILABLE, REPO_ROOT, RUN_CFN_LINT, synthesize } from './support/synth.js';

const FILE = 'hpc-ha.yaml';
const EXAMPLE = readFileSync(join(REPO_ROOT, 'examples', 'cn-north-1-ondemand.yaml'), 'utf8');
const SHA = '4b1f0e2d3c5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0';

/** The example with a desktop block under portal.openondemand and, optionally, another cluster OS. */
function withDesktop(desktop: string, os?: string): string {
  let text = EXAMPLE.replace('    idleTimeoutMinutes: 120\n', `    idleTimeoutMinutes: 120\n    desktop:\n${desktop.replace(/^/gm, '      ')}\n`);
  if (os) text = text.replace('  os: alinux2023\n', `  os: ${os}\n`);
  return text;
}
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

function issues(text: string): ConfigError['issues'] {
  try {
    parseDeploymentConfig(text, FILE);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.issues;
  }
}

describe('validate: the Desktop app where compute nodes can get its packages', () => {
  it('refuses it on Amazon Linux 2023 without a bundle, saying why, at the desktop key’s line', () => {
    const text = withDesktop('enabled: true');
    const found = issues(text).filter((i) => i.path === 'portal.openondemand.desktop');
    expect(found).toHaveLength(1);
    expect(found[0]!.line).toBe(lineOf(text, '    desktop:'));
    expect(found[0]!.file).toBe(FILE);
    expect(found[0]!.message).toMatch(/unavailable on clusters\.os alinux2023 without desktop\.bundle: Amazon Linux 2023 has no EPEL/);
  });

  it('refuses it on Rocky 9 without a bundle: TigerVNC there starts only through systemd, TurboVNC is in no repository', () => {
    const found = issues(withDesktop('enabled: true', 'rocky9')).filter((i) => i.path === 'portal.openondemand.desktop');
    expect(found[0]?.message).toMatch(/systemd.*TurboVNC/);
  });

  it('accepts it on Ubuntu 22.04 from the repositories, and on Amazon Linux 2023 with a bundle', () => {
    expect(issues(withDesktop('enabled: true', 'ubuntu2204'))).toEqual([]);
    expect(issues(withDesktop(`bundle:\n  uri: s3://my-hpc-artifacts-cn-north-1/desktop/turbovnc-xfce-al2023.tar\n  sha256: ${SHA}`))).toEqual([]);
  });

  it('checks the bundle like the other artifacts (its SHA-256 and URI), and ignores a disabled desktop', () => {
    const text = withDesktop(`bundle:\n  uri: http://example.cn/d.tar\n  sha256: abc`);
    const paths = issues(text).map((i) => `${i.path}:${i.line}`);
    expect(paths).toEqual(expect.arrayContaining([`portal.openondemand.desktop.bundle.uri:${lineOf(text, 'uri: http://')}`, `portal.openondemand.desktop.bundle.sha256:${lineOf(text, 'sha256: abc')}`]));
    expect(issues(withDesktop('enabled: false'))).toEqual([]);
  });
});

describe('what a Desktop deployment renders', () => {
  const config = parseDeploymentConfig(withDesktop(`maxHours: 12\nmaxCores: 8\nbundle:\n  uri: s3://my-hpc-artifacts-cn-north-1/desktop/d.tar\n  sha256: ${SHA}`), FILE);
  const values = placeholderValues(config);

  it('the portal offers a desktop on each cluster with that cluster’s own queues, hours and cores', () => {
    const spec = ondemandBootstrapSpec(config, values, 1);
    expect(spec.clusters.map((c) => [c.name, c.desktop?.queues])).toEqual([
      ['hpcood-cluster1', ['compute', 'memory', 'hpc']],
      ['hpcood-cluster2', ['compute', 'memory']],
    ]);
    expect(spec.clusters[0]!.desktop).toMatchObject({ maxHours: 12, maxCores: 8, desktop: 'xfce' });
    const env = ondemandEnv(config, values, 1);
    expect(env).toContain('HPC_HA_OOD_DESKTOP_CLUSTERS="hpcood-cluster1 hpcood-cluster2"');
  });

  it('both clusters’ compute nodes install the bundle, and their queues may read it', () => {
    for (const c of clusterArtifacts(config, values)) {
      expect(c.spec.desktop).toEqual({ session: 'xfce', bundle: { uri: 's3://my-hpc-artifacts-cn-north-1/desktop/d.tar', sha256: SHA } });
      expect(c.computeNodeScript).toContain('install_desktop');
      const queues = parse(renderClusterConfig(c.spec).yaml).Scheduling.SlurmQueues;
      for (const q of queues) expect(q.Iam.S3Access).toEqual([{ BucketName: 'my-hpc-artifacts-cn-north-1', KeyName: 'desktop/d.tar' }]);
    }
  });

  it('without a desktop nothing of it is rendered', () => {
    const plain = parseDeploymentConfig(EXAMPLE, FILE);
    const v = placeholderValues(plain);
    expect(ondemandBootstrapSpec(plain, v, 1).clusters.every((c) => c.desktop === undefined)).toBe(true);
    expect(clusterArtifacts(plain, v).every((c) => !c.computeNodeScript?.includes('install_desktop'))).toBe(true);
  });
});

describe('security groups: the portal reaches compute nodes on the websockify range only', () => {
  const rules = (desktopPorts?: { from: number; to: number }) => {
    const stack = new Stack(new App(), 'Net', { env: { region: 'cn-north-1' } });
    const sgs = new HpcSecurityGroups(stack, 'Groups', { vpc: new Vpc(stack, 'Vpc'), allowedCidrs: ['10.0.0.0/8'], httpRedirect: false, portalPort: 443, ...(desktopPorts ? { desktopPorts } : {}) });
    const id = (g: { node: { defaultChild?: unknown } }) => stack.resolve((g.node.defaultChild as { logicalId: string }).logicalId);
    const [portal, cluster] = [id(sgs.portal), id(sgs.cluster)];
    return Object.values(Template.fromStack(stack).findResources('AWS::EC2::SecurityGroupIngress'))
      .map((r) => r['Properties'])
      .filter((p) => p.GroupId['Fn::GetAtt'][0] === cluster && p.SourceSecurityGroupId['Fn::GetAtt'][0] === portal)
      .map((p) => `${p.IpProtocol}:${p.FromPort}-${p.ToPort}`)
      .sort();
  };

  it('adds exactly one rule, for the range the cluster files give the vnc template', () => {
    expect(rules({ from: OOD_DESKTOP_PORTS.min, to: OOD_DESKTOP_PORTS.max })).toEqual([
      `tcp:${OOD_DESKTOP_PORTS.min}-${OOD_DESKTOP_PORTS.max}`,
      'tcp:2049-2049',
      'tcp:6818-6818',
      'tcp:6819-6829',
    ]);
  }, 60_000);
});

describe('the synthesized deployment with a desktop (cn-north-1, Open OnDemand)', () => {
  it('the VPC stack admits the portal on the websockify range, with its reason, and passes cfn-lint', () => {
    const config = parseDeploymentConfig(withDesktop(`bundle:\n  uri: s3://my-hpc-artifacts-cn-north-1/desktop/d.tar\n  sha256: ${SHA}`), FILE);
    const synth = synthesize(config);
    try {
      const vpc = Object.entries(synth.templates).find(([id]) => /vpc/i.test(id))![1];
      const rules = Object.values(vpc.Resources).filter((r) => r.Type === 'AWS::EC2::SecurityGroupIngress' && r.Properties.FromPort === OOD_DESKTOP_PORTS.min);
      expect(rules.map((r) => [r.Properties.ToPort, r.Properties.IpProtocol, r.Properties.Description])).toEqual([
        [OOD_DESKTOP_PORTS.max, 'tcp', 'Open OnDemand /rnode proxy to the websockify of Desktop sessions on compute nodes'],
      ]);
      if (RUN_CFN_LINT) {
        expect(CFN_LINT_AVAILABLE, 'cfn-lint must be installed in CI').toBe(true);
        const run = spawnSync('cfn-lint', ['--regions', 'cn-north-1', 'cn-northwest-1', 'us-east-1', '--format', 'parseable', '--', ...synth.templateFiles], { encoding: 'utf8', timeout: 150_000 });
        expect(run.error).toBeUndefined();
        expect(run.stdout.split('\n').filter((l) => l.split(':')[5]?.startsWith('E'))).toEqual([]);
      }
    } finally {
      rmSync(synth.outdir, { recursive: true, force: true });
    }
  }, 300_000);
});
