/** Shared identity (`directory:`): the AD example, a created AWS Managed Microsoft AD, and the subnet plan the loader assumes. */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { validateClusterConfig } from '@hpc-ha/pcluster-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Template } from 'aws-cdk-lib/assertions';
import { DIRECTORY_CA_FILE, EFS_MOUNT_DIR, placeholderValues, PUBLISH_ROOT, renderDeploymentArtifacts } from '../src/artifacts/index.js';
import { formatCidr, loadDeploymentConfig, modelledResources, subnetLayout } from '../src/config/index.js';
import { PACKAGE_ROOT, REPO_ROOT, resourcesOfType, synthesize, type Synthesized } from './support/synth.js';

const EXAMPLE = join(REPO_ROOT, 'examples', 'directory', 'cn-northwest-1-active-directory.yaml');
const BIND_SECRET = 'arn:aws-cn:secretsmanager:cn-northwest-1:123456789012:secret:hpcha/ad-bind-AbCdEf';

let existing: Synthesized;
let created: Synthesized;

beforeAll(() => {
  existing = synthesize(loadDeploymentConfig(EXAMPLE));
  const base = loadDeploymentConfig(EXAMPLE);
  if (base.directory.type !== 'activeDirectory') throw new Error('the example is an Active Directory one');
  created = synthesize({
    ...base,
    directory: { ...base.directory, uris: [], create: { netbiosName: 'CORP' } },
  });
}, 120_000);

afterAll(() => {
  for (const s of [existing, created]) if (s) rmSync(s.outdir, { recursive: true, force: true });
});

const userData = (s: Synthesized) => JSON.stringify(Template.fromJSON(s.templates['EnginFrame']!).findResources('AWS::EC2::LaunchTemplate'));
const clusterConfigs = (s: Synthesized) =>
  resourcesOfType(s.templates['Clusters']!, 'Custom::PclusterCluster').map(([, r]) => r.Properties.ClusterConfiguration as Record<string, any>);

describe('an existing Active Directory (examples/directory)', () => {
  it('the example loads without a warning and points editors at the schema', () => {
    const warnings: unknown[] = [];
    loadDeploymentConfig(EXAMPLE, { onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
    expect(readFileSync(EXAMPLE, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../../packages/infra/schema/hpc-ha.schema.json');
  });

  it('gives both clusters a DirectoryService that ParallelCluster’s rules accept, with the password as the secret ARN', () => {
    const configs = clusterConfigs(existing);
    expect(configs).toHaveLength(2);
    for (const c of configs) {
      expect(c['DirectoryService']).toMatchObject({
        DomainName: 'corp.example.com',
        DomainAddr: 'ldaps://10.0.128.10,ldaps://10.0.192.10',
        PasswordSecretArn: BIND_SECRET,
        LdapTlsCaCert: DIRECTORY_CA_FILE,
        LdapAccessFilter: '(memberOf:1.2.840.113556.1.4.1941:=CN=hpc-users,OU=Groups,OU=CORP,DC=corp,DC=example,DC=com)',
        AdditionalSssdConfigs: { override_homedir: '/efs/home/%u', ldap_id_mapping: 'True' },
      });
      expect(c['DirectoryService'].AdditionalSssdConfigs).not.toHaveProperty('access_provider');
    }
    const rendered = renderDeploymentArtifacts(existing.config, placeholderValues(existing.config));
    for (const file of rendered.filter((f) => f.path.startsWith('clusters/') && f.path.endsWith('.yaml'))) {
      const result = validateClusterConfig(file.content);
      expect(result.issues, file.path).toEqual([]);
    }
  });

  it('lets the portal nodes read the bind password secret and the CA object, nothing more', () => {
    const t = Template.fromJSON(existing.templates['EnginFrame']!);
    const policies = JSON.stringify(t.findResources('AWS::IAM::Policy'));
    expect(policies).toContain(BIND_SECRET);
    expect(policies).toContain(':s3:::my-hpc-artifacts-cn-northwest-1/directory/corp-root-ca.pem');
    expect(userData(existing)).toContain(String.raw`HPC_HA_DIRECTORY_TYPE=\"activeDirectory\"`);
    expect(userData(existing)).toContain('ldap_schema = AD');
  });

  it('`hpc-ha render` shows the portal nodes’ sssd.conf, without any password', () => {
    const files = renderDeploymentArtifacts(existing.config, placeholderValues(existing.config));
    const sssd = files.find((f) => f.path === 'portal/sssd.conf');
    expect(sssd?.content).toContain('ldap_uri = ldaps://10.0.128.10,ldaps://10.0.192.10\n');
    expect(sssd?.content).toContain(`ldap_tls_cacert = ${DIRECTORY_CA_FILE}\n`);
    // directory.allowedGroups reaches the EnginFrame nodes' PAM account check too.
    expect(sssd?.content).toContain('access_provider = ldap\n');
    expect(sssd?.content).toContain('ldap_access_filter = (memberOf:1.2.840.113556.1.4.1941:=CN=hpc-users,OU=Groups,OU=CORP,DC=corp,DC=example,DC=com)\n');
    expect(sssd?.content).not.toMatch(/authtok\s*=/);
    expect(DIRECTORY_CA_FILE.startsWith(`${EFS_MOUNT_DIR}/${PUBLISH_ROOT}/`)).toBe(true);
    // The sssd step's settings ride in the user data: still well under EC2's 16 KB.
    for (const n of [1, 2]) {
      expect(Buffer.byteLength(files.find((f) => f.path === `portal/node${n}/user-data.sh`)!.content)).toBeLessThan(13 * 1024);
    }
  });
});

describe('directory.create: true', () => {
  it('creates one AWS Managed Microsoft AD with a domain controller in each private subnet and a generated Admin password', () => {
    const vpc = Template.fromJSON(created.templates['VPC']!);
    vpc.resourceCountIs('AWS::DirectoryService::MicrosoftAD', 1);
    const [, ad] = resourcesOfType(created.templates['VPC']!, 'AWS::DirectoryService::MicrosoftAD')[0]!;
    expect(ad.Properties.Name).toBe('corp.example.com');
    expect(ad.Properties.ShortName).toBe('CORP');
    expect(ad.Properties.VpcSettings.SubnetIds).toHaveLength(2);
    expect(JSON.stringify(ad.Properties.Password)).toMatch(/resolve:secretsmanager:/);
    expect(Object.keys(created.templates['VPC']!.Outputs ?? {}).some((k) => k.includes('DirectoryNextStep'))).toBe(true);
  });

  it("points portal sssd and both clusters at the domain's DNS name (what LDAPS certificates carry), never an IP address", () => {
    for (const c of clusterConfigs(created)) {
      expect(c['DirectoryService']['DomainAddr']).toBe('ldaps://corp.example.com');
      expect(c['DirectoryService']['LdapTlsReqCert']).toBe('hard');
    }
    const files = renderDeploymentArtifacts(created.config, placeholderValues(created.config));
    expect(files.find((f) => f.path === 'portal/sssd.conf')?.content).toContain('ldap_uri = ldaps://corp.example.com\n');
    expect(files.find((f) => f.path === 'clusters/cluster1.yaml')?.content).toContain(
      'DomainReadOnlyUser: CN=ReadOnlyUser,OU=Users,OU=CORP,DC=corp,DC=example,DC=com',
    );
  });
});

describe('directory.create: the VPC resolves the domain through its controllers', () => {
  it('an outbound Resolver endpoint in both private subnets forwards the domain to both controllers, whatever their order', () => {
    const vpc = created.templates['VPC']!;
    const [, endpoint] = resourcesOfType(vpc, 'AWS::Route53Resolver::ResolverEndpoint')[0]!;
    expect(endpoint.Properties.Direction).toBe('OUTBOUND');
    expect(endpoint.Properties.IpAddresses).toHaveLength(2);
    const subnets = (endpoint.Properties.IpAddresses as { SubnetId: { Ref: string } }[]).map((a) => a.SubnetId.Ref);
    expect(new Set(subnets).size).toBe(2);
    for (const ref of subnets) expect(vpc.Resources[ref]!.Properties.MapPublicIpOnLaunch).toBe(false);
    const [, rule] = resourcesOfType(vpc, 'AWS::Route53Resolver::ResolverRule')[0]!;
    expect(rule.Properties).toMatchObject({ RuleType: 'FORWARD', DomainName: 'corp.example.com' });
    const [adId] = resourcesOfType(vpc, 'AWS::DirectoryService::MicrosoftAD')[0]!;
    // Both DnsIpAddresses are targets: the rule does not depend on which controller is listed first.
    const targets = (rule.Properties.TargetIps as { Ip: unknown; Port: string }[]).map((t) => JSON.stringify(t.Ip));
    expect(targets.sort()).toEqual(
      [0, 1].map((i) => JSON.stringify({ 'Fn::Select': [i, { 'Fn::GetAtt': [adId, 'DnsIpAddresses'] }] })).sort(),
    );
    const [, association] = resourcesOfType(vpc, 'AWS::Route53Resolver::ResolverRuleAssociation')[0]!;
    expect(association.Properties.VPCId).toBeDefined();
  });

  it("hpc-ha plan's resource model counts exactly what the VPC stack synthesizes", () => {
    const counts: Record<string, number> = {};
    for (const r of Object.values(created.templates['VPC']!.Resources)) counts[r.Type] = (counts[r.Type] ?? 0) + 1;
    expect(modelledResources(created.config).VPC).toEqual(counts);
  });
});

describe('the loader’s subnet plan is the one the CDK synthesizes', () => {
  it('private and public subnets of the VPC stack match subnetLayout (the one-AZ warning relies on it)', () => {
    const layout = subnetLayout(existing.config.network.vpcCidr)!;
    const subnets = resourcesOfType(existing.templates['VPC']!, 'AWS::EC2::Subnet').map(([, r]) => ({
      cidr: r.Properties.CidrBlock as string,
      az: r.Properties.AvailabilityZone as string,
      public: r.Properties.MapPublicIpOnLaunch === true,
    }));
    const azs = existing.config.network.availabilityZones;
    for (const i of [0, 1]) {
      expect(subnets).toContainEqual({ cidr: formatCidr(layout.private[i]!), az: azs[i], public: false });
      expect(subnets).toContainEqual({ cidr: formatCidr(layout.public[i]!), az: azs[i], public: true });
    }
  });
});

describe('cfn-lint over the directory templates', () => {
  const available = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;
  it.runIf(available || process.env['CI'] === 'true')('reports no error for cn-northwest-1, cn-north-1 and us-east-1', () => {
    expect(available, 'cfn-lint must be installed in CI').toBe(true);
    const ignore = readFileSync(join(PACKAGE_ROOT, 'cfn-lint-ignore.yaml'), 'utf8');
    const accepted = new Set([...ignore.matchAll(/^([EWI]\d{4}):/gm)].map((m) => m[1]));
    // The stacks the directory changes: the new Managed AD (VPC), the cluster configs and the portal's grants.
    const pick = (s: Synthesized, ids: string[]) => s.templateFiles.filter((f) => ids.some((id) => f.endsWith(`/${id}.template.json`)));
    const files = [...pick(created, ['VPC']), ...pick(existing, ['Clusters', 'EnginFrame'])];
    expect(files).toHaveLength(3);
    const run = spawnSync('cfn-lint', ['--regions', 'cn-northwest-1', 'cn-north-1', 'us-east-1', '--format', 'parseable', '--', ...files], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    const findings = run.stdout.split('\n').filter(Boolean).map((line) => ({ line, rule: line.split(':')[5] ?? '' }));
    expect(findings.filter((f) => f.rule.startsWith('E')).map((f) => f.line)).toEqual([]);
    expect(findings.filter((f) => !accepted.has(f.rule)).map((f) => f.line)).toEqual([]);
    expect([0, 4]).toContain(run.status);
  }, 150_000);
});
