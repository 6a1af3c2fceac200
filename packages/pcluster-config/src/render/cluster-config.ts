import { stringify } from 'yaml';
import type { ClusterSpec, ResolvedClusterSpec, ResolvedQueue } from '../spec/cluster-spec.js';
import { rendersDatabaseName } from '../spec/accounting.js';
import { ClusterSpecError } from '../spec/errors.js';
import { parseClusterSpec } from '../spec/parse-spec.js';
import { formatIssues } from '../issues.js';
import { validateClusterConfig } from '../validate/validate-config.js';

type Json = Record<string, unknown>;

/** Add `key: value` only when the value says something (keeps the YAML free of empty lists and undefined). */
function put(target: Json, key: string, value: unknown): void {
  if (value === undefined) return;
  if (Array.isArray(value) && value.length === 0) return;
  target[key] = value;
}

const policies = (arns: readonly string[]) => arns.map((Policy) => ({ Policy }));

type Script = { scriptUri: string; args: string[] };

function action(script: Script): Json {
  const out: Json = { Script: script.scriptUri };
  put(out, 'Args', [...script.args]);
  return out;
}

function customActions(configured: Script | undefined, updated?: Script): Json | undefined {
  if (!configured && !updated) return undefined;
  const out: Json = {};
  if (configured) out.OnNodeConfigured = action(configured);
  if (updated) out.OnNodeUpdated = action(updated);
  return out;
}

function headNode(spec: ResolvedClusterSpec): Json {
  const h = spec.headNode;
  const networking: Json = { SubnetId: h.subnetId };
  put(networking, 'AdditionalSecurityGroups', [...h.additionalSecurityGroupIds]);
  const out: Json = { InstanceType: h.instanceType, Networking: networking };
  const ssh: Json = {};
  put(ssh, 'KeyName', h.keyName);
  put(ssh, 'AllowedIps', spec.headNodeSsh?.allowedIps);
  if (Object.keys(ssh).length) out.Ssh = ssh;
  out.LocalStorage = { RootVolume: { Size: h.rootVolumeSizeGiB, Encrypted: true } };
  put(out, 'CustomActions', customActions(spec.customActions.headNode, spec.customActions.headNodeUpdated));
  const iam: Json = {};
  put(iam, 'AdditionalIamPolicies', policies(h.additionalIamPolicyArns));
  put(
    iam,
    'S3Access',
    h.s3AccessBuckets.map((b) => {
      const access: Json = { BucketName: b.bucketName };
      put(access, 'KeyName', b.keyName);
      put(access, 'EnableWriteAccess', b.enableWriteAccess);
      return access;
    }),
  );
  if (Object.keys(iam).length) out.Iam = iam;
  out.Imds = { Secured: spec.imdsSecured };
  return out;
}

function queue(spec: ResolvedClusterSpec, q: ResolvedQueue): Json {
  const networking: Json = { SubnetIds: [...q.subnetIds] };
  put(networking, 'AdditionalSecurityGroups', [...spec.compute.additionalSecurityGroupIds]);
  const rootVolume: Json = {};
  put(rootVolume, 'Size', spec.compute.rootVolumeSizeGiB);
  rootVolume.Encrypted = true;
  const out: Json = {
    Name: q.name,
    CapacityType: q.capacityType,
    Networking: networking,
    ComputeSettings: { LocalStorage: { RootVolume: rootVolume } },
    ComputeResources: q.computeResources.map((cr) => {
      const r: Json = { Name: cr.name, InstanceType: cr.instanceType, MinCount: cr.minCount, MaxCount: cr.maxCount };
      put(r, 'DisableSimultaneousMultithreading', cr.disableSimultaneousMultithreading);
      if (cr.efa) {
        r.Efa = { Enabled: true };
        r.Networking = { PlacementGroup: { Enabled: true } };
      }
      return r;
    }),
  };
  put(out, 'CustomActions', customActions(spec.customActions.computeNode));
  const iam: Json = {};
  put(iam, 'AdditionalIamPolicies', policies(spec.compute.additionalIamPolicyArns));
  // The desktop bundle is read by every compute node's OnNodeConfigured step.
  const bundle = /^s3:\/\/([^/]+)\/(.+)$/.exec(spec.desktop?.bundle?.uri ?? '');
  if (bundle) iam.S3Access = [{ BucketName: bundle[1], KeyName: bundle[2] }];
  if (Object.keys(iam).length) out.Iam = iam;
  return out;
}

function sharedStorage(spec: ResolvedClusterSpec): Json[] {
  const { efs, fsxLustre } = spec.sharedStorage;
  const efsSettings: Json = { FileSystemId: efs.fileSystemId };
  put(efsSettings, 'EncryptionInTransit', efs.encryptionInTransit);
  const out: Json[] = [{ Name: 'efs', StorageType: 'Efs', MountDir: efs.mountDir, EfsSettings: efsSettings }];
  if (fsxLustre) {
    out.push({ Name: 'fsx', StorageType: 'FsxLustre', MountDir: fsxLustre.mountDir, FsxLustreSettings: { FileSystemId: fsxLustre.fileSystemId } });
  }
  return out;
}

function directoryService(spec: ResolvedClusterSpec): Json | undefined {
  const d = spec.directoryService;
  if (!d) return undefined;
  const out: Json = {
    DomainName: d.domainName,
    DomainAddr: d.addresses.join(','),
    PasswordSecretArn: d.passwordSecretArn,
    DomainReadOnlyUser: d.readOnlyUser,
  };
  put(out, 'LdapTlsCaCert', d.ldapTlsCaCert);
  put(out, 'LdapTlsReqCert', d.ldapTlsReqCert);
  put(out, 'LdapAccessFilter', d.ldapAccessFilter);
  put(out, 'GenerateSshKeysForUsers', d.generateSshKeysForUsers);
  const extra = d.additionalSssdConfigs ?? {};
  if (Object.keys(extra).length > 0) out.AdditionalSssdConfigs = Object.fromEntries(Object.keys(extra).sort().map((k) => [k, extra[k]]));
  return out;
}

function database(spec: ResolvedClusterSpec): Json | undefined {
  const a = spec.slurmAccounting;
  if (!a) return undefined;
  const out: Json = { Uri: a.uri, UserName: a.userName, PasswordSecretArn: a.passwordSecretArn };
  // Before 3.8.0 the key does not exist and ParallelCluster uses the cluster name, which accountingProblems enforces.
  if (a.databaseName !== undefined && rendersDatabaseName(spec.parallelclusterVersion)) out.DatabaseName = a.databaseName;
  return out;
}

function slurmSettings(spec: ResolvedClusterSpec): Json {
  const out: Json = { ScaledownIdletime: spec.scaledownIdletimeMinutes };
  put(out, 'QueueUpdateStrategy', spec.queueUpdateStrategy);
  out.MungeKeySecretArn = spec.mungeKeySecretArn;
  if (spec.srunPortRange !== undefined) out.CustomSlurmSettings = [{ SrunPortRange: spec.srunPortRange }];
  put(out, 'Database', database(spec));
  return out;
}

/** The ParallelCluster v3 configuration object, keys in the order ParallelCluster's documentation uses. */
export function buildClusterConfig(spec: ResolvedClusterSpec): Json {
  const config: Json = {
    Region: spec.region,
    Image: { Os: spec.os },
    HeadNode: headNode(spec),
    Scheduling: {
      Scheduler: 'slurm',
      SlurmSettings: slurmSettings(spec),
      SlurmQueues: spec.queues.map((q) => queue(spec, q)),
    },
    SharedStorage: sharedStorage(spec),
  };
  if (spec.iamResourcePrefix !== undefined) config.Iam = { ResourcePrefix: spec.iamResourcePrefix };
  put(config, 'DirectoryService', directoryService(spec));
  put(
    config,
    'Tags',
    Object.keys(spec.tags)
      .sort()
      .map((Key) => ({ Key, Value: spec.tags[Key] })),
  );
  return config;
}

/** YAML 1.1 text (ParallelCluster reads PyYAML), no line folding, trailing newline. */
export function toYaml(config: object): string {
  return stringify(config, { version: '1.1', lineWidth: 0, minContentWidth: 0 });
}

/**
 * Render a ClusterSpec as a ParallelCluster v3 cluster configuration: `config` is the object a
 * `Custom::PclusterCluster` takes as `ClusterConfiguration`; `yaml` is the same thing as a file for
 * `pcluster create-cluster -c`. Deploy-time values pass through untouched.
 */
export function renderClusterConfig(input: ClusterSpec): { config: object; yaml: string } {
  const spec = parseClusterSpec(input);
  if (spec.parallelclusterVersion.startsWith('2.')) {
    throw new ClusterSpecError('cannot render a v3 config', [
      { path: 'parallelclusterVersion', message: `${spec.parallelclusterVersion} is a 2.x release; use renderLegacyIni, or set a 3.x version` },
    ]);
  }
  const config = buildClusterConfig(spec);
  const result = validateClusterConfig(config, { clusterName: spec.clusterName, parallelclusterVersion: spec.parallelclusterVersion });
  if (!result.valid) {
    // A spec that passed parseClusterSpec must render a valid config; reaching this is a bug in this package.
    throw new Error(`internal error: rendered config for ${spec.clusterName} fails validation:\n${formatIssues(result.issues)}`);
  }
  return { config, yaml: toYaml(config) };
}
