import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { parseDeploymentConfig } from './load.js';

const BASE = readFileSync(new URL('./__fixtures__/minimal.yaml', import.meta.url), 'utf8');
const FILE = 'hpc-ha.yaml';

/** Replaces whole lines of the minimal config (1-based line → new text, which may span several lines). */
function edit(lines: Record<number, string>): string {
  return BASE.split('\n')
    .map((l, i) => lines[i + 1] ?? l)
    .join('\n');
}

interface Case {
  readonly name: string;
  readonly yaml: string;
  readonly path: string;
  readonly line: number;
  readonly column?: number;
  readonly message: RegExp;
}

const SHA = '0f5e3b5c9a8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f';

const cases: Case[] = [
  // identity
  { name: 'upper-case deployment name', yaml: edit({ 1: 'name: Demo' }), path: 'name', line: 1, column: 7, message: /not a valid deployment name/ },
  { name: 'deployment name too long', yaml: edit({ 1: `name: ${'a'.repeat(25)}` }), path: 'name', line: 1, message: /1 to 24/ },
  { name: 'name ending in a hyphen', yaml: edit({ 1: 'name: demo-' }), path: 'name', line: 1, message: /not ending with a hyphen/ },
  { name: 'name is a number', yaml: edit({ 1: 'name: 42' }), path: 'name', line: 1, message: /must be text, not the number 42/ },
  { name: 'unknown region with a typo', yaml: edit({ 2: 'region: cn-nort-1' }), path: 'region', line: 2, column: 9, message: /did you mean "cn-north-1"/ },
  { name: 'region hpc-ha does not support', yaml: edit({ 2: 'region: mars-1' }), path: 'region', line: 2, message: /not a region hpc-ha supports/ },
  { name: 'account unquoted with too few digits', yaml: edit({ 41: 'account: "12345"' }), path: 'account', line: 41, message: /12 digits/ },
  { name: 'reserved tag prefix', yaml: edit({ 40: '  aws:owner: me' }), path: 'tags.aws:owner', line: 40, column: 3, message: /reserved "aws:" prefix/ },
  { name: 'tag value is a list', yaml: edit({ 40: '  project: [a, b]' }), path: 'tags.project', line: 40, message: /must be text, not a list/ },
  // network
  { name: 'malformed VPC CIDR', yaml: edit({ 4: '  vpcCidr: 10.0.0/16' }), path: 'network.vpcCidr', line: 4, column: 12, message: /not an IPv4 CIDR/ },
  { name: 'VPC CIDR too small', yaml: edit({ 4: '  vpcCidr: 10.0.0.0/26' }), path: 'network.vpcCidr', line: 4, message: /\/26 is outside/ },
  { name: 'VPC CIDR with host bits', yaml: edit({ 4: '  vpcCidr: 10.0.0.1/16' }), path: 'network.vpcCidr', line: 4, message: /did you mean "10.0.0.0\/16"/ },
  { name: 'three AZs', yaml: edit({ 5: '  availabilityZones: [cn-north-1a, cn-north-1b, cn-north-1d]' }), path: 'network.availabilityZones', line: 5, message: /exactly 2/ },
  { name: 'the same AZ twice', yaml: edit({ 5: '  availabilityZones: [cn-north-1a, cn-north-1a]' }), path: 'network.availabilityZones[1]', line: 5, column: 36, message: /listed twice/ },
  { name: 'an AZ of another region', yaml: edit({ 5: '  availabilityZones: [cn-north-1a, us-east-1a]' }), path: 'network.availabilityZones[1]', line: 5, message: /not in region cn-north-1/ },
  { name: 'cn-north-1c does not exist', yaml: edit({ 5: '  availabilityZones: [cn-north-1a, cn-north-1c]' }), path: 'network.availabilityZones[1]', line: 5, message: /cn-north-1a, cn-north-1b, cn-north-1d/ },
  { name: 'unknown key under network', yaml: edit({ 4: '  vpcCidr: 10.0.0.0/16\n  natGateways: 1' }), path: 'network.natGateways', line: 5, column: 3, message: /unknown key "natGateways"/ },
  // portal
  { name: 'Graviton portal type', yaml: edit({ 7: '  instanceType: m7g.large' }), path: 'portal.instanceType', line: 7, column: 17, message: /"m7g.large" is an Arm \(Graviton\) type; EnginFrame runs only on x86_64/ },
  { name: 'a1 portal type', yaml: edit({ 7: '  instanceType: a1.large' }), path: 'portal.instanceType', line: 7, message: /Arm/ },
  { name: 'not an instance type', yaml: edit({ 7: '  instanceType: large' }), path: 'portal.instanceType', line: 7, message: /not an EC2 instance type/ },
  { name: 'root volume too small', yaml: edit({ 8: '  rootVolumeGiB: 8' }), path: 'portal.rootVolumeGiB', line: 8, message: /8 must be >= 20/ },
  { name: 'root volume not a whole number', yaml: edit({ 8: '  rootVolumeGiB: 50.5' }), path: 'portal.rootVolumeGiB', line: 8, message: /whole number/ },
  { name: 'misspelt key with did-you-mean', yaml: edit({ 8: '  rootVolumeGB: 50' }), path: 'portal.rootVolumeGB', line: 8, column: 3, message: /did you mean "rootVolumeGiB"/ },
  { name: 'secret ARN of the global partition', yaml: edit({ 9: '  adminPasswordSecretArn: arn:aws:secretsmanager:cn-north-1:123456789012:secret:efadmin-AbCdEf' }), path: 'portal.adminPasswordSecretArn', line: 9, message: /partition "aws" but cn-north-1 is in "aws-cn"/ },
  { name: 'secret ARN of another region', yaml: edit({ 9: '  adminPasswordSecretArn: arn:aws-cn:secretsmanager:cn-northwest-1:123456789012:secret:efadmin-AbCdEf' }), path: 'portal.adminPasswordSecretArn', line: 9, message: /region "cn-northwest-1"/ },
  { name: 'secret ARN of another account', yaml: edit({ 9: '  adminPasswordSecretArn: arn:aws-cn:secretsmanager:cn-north-1:210987654321:secret:efadmin-AbCdEf' }), path: 'portal.adminPasswordSecretArn', line: 9, message: /account 210987654321/ },
  { name: 'not a secret ARN', yaml: edit({ 9: '  adminPasswordSecretArn: arn:aws-cn:ssm:cn-north-1:123456789012:parameter/efadmin' }), path: 'portal.adminPasswordSecretArn', line: 9, message: /not a Secrets Manager secret ARN/ },
  { name: 'admin secret missing', yaml: edit({ 9: '  keyName: my-key' }), path: 'portal.adminPasswordSecretArn', line: 7, message: /is required but missing/ },
  { name: 'http installer URL', yaml: edit({ 11: '    uri: http://example.com/enginframe.jar' }), path: 'portal.installer.uri', line: 11, column: 10, message: /must start with s3:\/\/ or https:\/\// },
  { name: 'installer that does not say its EnginFrame build', yaml: edit({ 11: '    uri: s3://artifacts-bucket/enginframe-latest.jar' }), path: 'portal.installer.uri', line: 11, message: /name the file enginframe-<version>.jar .* or set portal.installer.version/ },
  { name: 'explicit EnginFrame build that is not one', yaml: edit({ 12: `    sha256: ${SHA}\n    version: latest` }), path: 'portal.installer.version', line: 13, column: 14, message: /not an EnginFrame build such as 2021.0-r1667/ },
  { name: 'EnginFrame release line without a known component list', yaml: edit({ 12: `    sha256: ${SHA}\n    version: 2024.0-r1780` }), path: 'portal.installer.version', line: 13, message: /release line 2024.0, .* supported: 2021.0/ },
  { name: 'S3 URI without a key', yaml: edit({ 11: '    uri: s3://artifacts-bucket' }), path: 'portal.installer.uri', line: 11, message: /names no object/ },
  { name: 'invalid bucket name', yaml: edit({ 11: '    uri: s3://Artifacts_Bucket/enginframe.jar' }), path: 'portal.installer.uri', line: 11, message: /not a valid S3 bucket name/ },
  { name: 'global S3 endpoint in China', yaml: edit({ 14: '    uri: https://bucket.s3.us-east-1.amazonaws.com/mysql.jar' }), path: 'portal.jdbcDriver.uri', line: 14, message: /another AWS partition/ },
  { name: 'short sha256', yaml: edit({ 12: '    sha256: abc123' }), path: 'portal.installer.sha256', line: 12, column: 13, message: /64 hexadecimal characters/ },
  { name: 'sha256 that YAML reads as a number', yaml: edit({ 12: `    sha256: 1234` }), path: 'portal.installer.sha256', line: 12, message: /must be text, not the number 1234/ },
  { name: 'sha256 with a non-hex letter', yaml: edit({ 12: `    sha256: ${SHA.slice(0, 63)}z` }), path: 'portal.installer.sha256', line: 12, message: /64 hexadecimal/ },
  // database
  { name: 'unknown database mode', yaml: edit({ 16: '  mode: serverless' }), path: 'database.mode', line: 16, column: 9, message: /use one of "serverless-v2", "provisioned"; did you mean "serverless-v2"/ },
  { name: 'capacity below 0.5 ACU', yaml: edit({ 17: '  minCapacity: 0.25' }), path: 'database.minCapacity', line: 17, message: /0.5 to 256 ACU/ },
  { name: 'capacity above 256 ACU', yaml: edit({ 18: '  maxCapacity: 512' }), path: 'database.maxCapacity', line: 18, message: /0.5 to 256 ACU/ },
  { name: 'capacity not in half steps', yaml: edit({ 18: '  maxCapacity: 4.3' }), path: 'database.maxCapacity', line: 18, message: /multiple of 0.5/ },
  {
    name: 'Aurora version the region profile does not list',
    yaml: edit({ 17: '  minCapacity: 0.5\n  engineVersion: 3.04.1' }),
    path: 'database.engineVersion',
    line: 18,
    message: /"3\.04\.1" is not one hpc-ha knows to exist in cn-north-1; use one of 3\.10\.3/,
  },
  { name: 'min capacity above max', yaml: edit({ 17: '  minCapacity: 8' }), path: 'database.minCapacity', line: 17, message: /larger than maxCapacity/ },
  { name: 'provisioned without an instance class', yaml: edit({ 16: '  mode: provisioned' }), path: 'database.mode', line: 16, message: /needs database.instanceType/ },
  { name: 'instance class with serverless', yaml: edit({ 18: '  maxCapacity: 4\n  instanceType: db.r6g.large' }), path: 'database.instanceType', line: 19, message: /only used with mode: provisioned/ },
  { name: 'provisioned with an EC2 type', yaml: edit({ 16: '  mode: provisioned\n  instanceType: r6g.large' }), path: 'database.instanceType', line: 17, message: /not a DB instance class/ },
  // storage
  { name: 'SCRATCH_2 in China', yaml: edit({ 21: '    deploymentType: SCRATCH_2' }), path: 'storage.fsx.deploymentType', line: 21, column: 21, message: /SCRATCH_2 does not exist in cn-north-1/ },
  { name: 'unknown FSx type', yaml: edit({ 21: '    deploymentType: PERSISTENT_3' }), path: 'storage.fsx.deploymentType', line: 21, message: /did you mean "PERSISTENT_1"/ },
  { name: 'FSx capacity off the steps', yaml: edit({ 22: '    storageCapacityGiB: 3000' }), path: 'storage.fsx.storageCapacityGiB', line: 22, message: /nearest: 2400 or 4800/ },
  { name: 'FSx capacity below the minimum', yaml: edit({ 22: '    storageCapacityGiB: 100' }), path: 'storage.fsx.storageCapacityGiB', line: 22, message: /not a valid PERSISTENT_2 capacity/ },
  { name: 'PERSISTENT_1 throughput on PERSISTENT_2', yaml: edit({ 22: '    storageCapacityGiB: 1200\n    perUnitStorageThroughput: 200' }), path: 'storage.fsx.perUnitStorageThroughput', line: 23, message: /use one of 125, 250, 500, 1000/ },
  // load balancer
  { name: '0.0.0.0/0 on an internal ALB', yaml: edit({ 25: '  allowedCidrs: [0.0.0.0/0]' }), path: 'loadBalancer.allowedCidrs[0]', line: 25, column: 18, message: /only allowed with loadBalancer.internetFacing: true/ },
  { name: 'no allowed CIDRs', yaml: edit({ 25: '  allowedCidrs: []' }), path: 'loadBalancer.allowedCidrs', line: 25, message: /at least 1/ },
  { name: 'allowed CIDR without prefix', yaml: edit({ 25: '  allowedCidrs: [10.1.2.3]' }), path: 'loadBalancer.allowedCidrs[0]', line: 25, message: /203.0.113.7\/32/ },
  { name: 'allowed CIDR listed twice', yaml: edit({ 25: '  allowedCidrs: [10.0.0.0/8, 10.0.0.0/8]' }), path: 'loadBalancer.allowedCidrs[1]', line: 25, message: /listed twice/ },
  { name: 'global certificate ARN in China', yaml: edit({ 25: '  allowedCidrs: [10.0.0.0/8]\n  certificateArn: arn:aws:acm:us-east-1:123456789012:certificate/abc' }), path: 'loadBalancer.certificateArn', line: 26, message: /partition "aws"/ },
  { name: 'internetFacing as a string', yaml: edit({ 24: '  internetFacing: "no"' }), path: 'loadBalancer.internetFacing', line: 24, message: /must be true or false/ },
  // clusters
  { name: 'unknown provisioner', yaml: edit({ 27: '  provisioner: terraform' }), path: 'clusters.provisioner', line: 27, message: /use one of "cloudformation", "instance"/ },
  { name: '2.x with the cloudformation provisioner', yaml: edit({ 28: '  parallelclusterVersion: 2.10.3', 29: '  os: alinux2' }), path: 'clusters.parallelclusterVersion', line: 28, message: /only be created with clusters.provisioner: instance/ },
  { name: 'ParallelCluster 3.5 lacks MungeKeySecretArn', yaml: edit({ 28: '  parallelclusterVersion: 3.5.1' }), path: 'clusters.parallelclusterVersion', line: 28, message: /3.8.0 or later/ },
  { name: 'version that YAML reads as a number', yaml: edit({ 28: '  parallelclusterVersion: 3.16' }), path: 'clusters.parallelclusterVersion', line: 28, message: /must be text, not the number 3.16/ },
  { name: 'OS the version does not support', yaml: edit({ 29: '  os: centos7' }), path: 'clusters.os', line: 29, message: /use one of/ },
  { name: 'alinux2023 before ParallelCluster 3.10', yaml: edit({ 28: '  parallelclusterVersion: 3.9.3' }), path: 'clusters.os', line: 29, message: /"alinux2023" is not an OS ParallelCluster 3.9.3 supports/ },
  { name: 'Graviton head node', yaml: edit({ 31: '    instanceType: c7g.xlarge' }), path: 'clusters.headNode.instanceType', line: 31, message: /Arm \(Graviton\)/ },
  { name: 'queue name with upper case', yaml: edit({ 33: '    - name: Compute' }), path: 'clusters.queues[0].name', line: 33, column: 13, message: /lower-case letter/ },
  { name: 'queue called default', yaml: edit({ 33: '    - name: default' }), path: 'clusters.queues[0].name', line: 33, message: /"default" is reserved/ },
  { name: 'queue name over 25 characters', yaml: edit({ 33: `    - name: ${'q'.repeat(26)}` }), path: 'clusters.queues[0].name', line: 33, message: /at most 25/ },
  { name: 'compute resource with underscore', yaml: edit({ 35: '        - name: c5_4xl' }), path: 'clusters.queues[0].computeResources[0].name', line: 35, message: /lower-case letters, digits and hyphens/ },
  { name: 'Graviton compute resource', yaml: edit({ 36: '          instanceType: hpc7g.16xlarge' }), path: 'clusters.queues[0].computeResources[0].instanceType', line: 36, message: /Arm/ },
  { name: 'minCount above maxCount', yaml: edit({ 37: '          minCount: 20' }), path: 'clusters.queues[0].computeResources[0].minCount', line: 37, message: /larger than maxCount/ },
  { name: 'maxCount beyond the private subnet', yaml: edit({ 38: '          maxCount: 20000' }), path: 'clusters.queues[0].computeResources[0].maxCount', line: 38, message: /cluster1 can scale to 20000 compute nodes .* 10\.0\.128\.0\/18 has addresses for at most 16363/ },
  { name: 'maxCount that a /24 VPC cannot hold', yaml: edit({ 4: '  vpcCidr: 10.0.0.0/24', 38: '          maxCount: 44' }), path: 'clusters.queues[0].computeResources[0].maxCount', line: 38, message: /at most 43 .*larger network\.vpcCidr/ },
  { name: 'negative minCount', yaml: edit({ 37: '          minCount: -1' }), path: 'clusters.queues[0].computeResources[0].minCount', line: 37, message: /must be >= 0/ },
  { name: 'queue without compute resources', yaml: edit({ 34: '      computeResources: []', 35: '', 36: '', 37: '', 38: '' }), path: 'clusters.queues[0].computeResources', line: 34, message: /at least 1/ },
  { name: 'override queue clashing with a shared queue', yaml: edit({ 38: '          maxCount: 10\n  overrides:\n    cluster2:\n      queues:\n        - name: compute\n          computeResources:\n            - {name: c6i, instanceType: c6i.large}' }), path: 'clusters.overrides.cluster2.queues[0].name', line: 42, message: /defined twice for cluster2/ },
  { name: 'override for a third cluster', yaml: edit({ 38: '          maxCount: 10\n  overrides:\n    cluster3: {}' }), path: 'clusters.overrides.cluster3', line: 40, column: 5, message: /unknown key "cluster3"/ },
  { name: 'top-level key that does not exist', yaml: edit({ 41: 'account: "123456789012"\nregoin: cn-north-1' }), path: 'regoin', line: 42, column: 1, message: /did you mean "region"/ },
  { name: 'YAML syntax error', yaml: edit({ 7: '  instanceType: [m5.xlarge' }), path: '', line: 8, message: /YAML syntax/ },
  { name: 'duplicate key', yaml: edit({ 8: '  rootVolumeGiB: 50\n  rootVolumeGiB: 60' }), path: '', line: 9, message: /YAML syntax: Map keys must be unique/ },
  { name: 'tab indentation', yaml: edit({ 8: '\trootVolumeGiB: 50' }), path: '', line: 8, message: /YAML syntax/ },
];

describe('invalid configs are refused with the field, the file and the line', () => {
  it('has a broad table', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it('accepts the unedited minimal config', () => {
    expect(() => parseDeploymentConfig(BASE, FILE)).not.toThrow();
  });

  it.each(cases)('$name → $path at line $line', (c) => {
    let error: unknown;
    try {
      parseDeploymentConfig(c.yaml, FILE);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    const issue = issues.find((i) => i.path === c.path && c.message.test(i.message));
    expect(issue, `issues were:\n${(error as Error).message}`).toBeDefined();
    expect(issue!.file).toBe(FILE);
    expect(issue!.line).toBe(c.line);
    if (c.column !== undefined) expect(issue!.column).toBe(c.column);
    // The printed form is what the CLI shows: file:line:col path: message.
    expect((error as Error).message).toContain(`${FILE}:${issue!.line}:${issue!.column} ${c.path ? `${c.path}: ` : ''}`);
  });
});
