import { encode } from 'ini';
import type { ClusterSpec, ResolvedClusterSpec } from '../spec/cluster-spec.js';
import { ClusterSpecError, type SpecProblem } from '../spec/errors.js';
import { parseClusterSpec } from '../spec/parse-spec.js';

/** base_os values of the 2.x releases that ClusterSpec can name (2.x also had centos7/ubuntu1804; research §2). */
const BASE_OS: Record<'2.10' | '2.11', readonly string[]> = {
  '2.10': ['alinux2'],
  '2.11': ['alinux2', 'ubuntu2004'],
};
const MAX_QUEUES = 5;
/** The label of the one [scaling] section (2.x labels: a letter first, at most 30 characters). */
const SCALING_LABEL = 'custom';
const MAX_COMPUTE_RESOURCES = 3;

/**
 * Characters that the `ini` writer would quote or escape and that 2.x's Python configparser would then read back
 * literally (`%` additionally triggers configparser interpolation).
 */
const UNSAFE_VALUE = /[;#=%\r\n"'[\]]|^\s|\s$/;

const CDK_TOKENS = /\$\{Token\[[^\]]*\]\}/g;

type Section = Record<string, string | number | boolean>;

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/**
 * Render a ClusterSpec as a ParallelCluster 2.10/2.11 INI file (`pcluster create -c`). Only for reproducing legacy
 * deployments: set `parallelclusterVersion` to 2.10.x or 2.11.x. What 2.x cannot express is rejected with one
 * error listing every reason. `imdsSecured` has no 2.x equivalent. 2.x has no MungeKeySecretArn either: with
 * `customActions.postInstall` (the renderLegacyPostInstallScript asset) the secret ARN becomes that script's first
 * post_install argument, and the script installs the key on every node.
 */
export function renderLegacyIni(input: ClusterSpec): string {
  const spec = parseClusterSpec(input);
  const problems: SpecProblem[] = [];
  const fail = (path: string, message: string) => problems.push({ path, message });

  const line = /^2\.(10|11)\./.exec(spec.parallelclusterVersion);
  if (!line) {
    throw new ClusterSpecError('cannot render a 2.x INI', [
      { path: 'parallelclusterVersion', message: `${spec.parallelclusterVersion} is not a 2.10.x or 2.11.x release; renderLegacyIni only writes 2.x configs (use renderClusterConfig for 3.x)` },
    ]);
  }
  const release = `2.${line[1]}` as '2.10' | '2.11';
  if (!BASE_OS[release].includes(spec.os)) {
    fail('os', `${spec.os} is not a base_os of ParallelCluster ${release}; use ${BASE_OS[release].join(' or ')}`);
  }
  if (release === '2.10' && spec.headNode.keyName === undefined) fail('headNode.keyName', 'ParallelCluster 2.10 requires key_name');
  if (spec.vpcId === undefined) fail('vpcId', '2.x needs the VPC id ([vpc] vpc_id)');
  if (spec.directoryService) fail('directoryService', 'ParallelCluster 2.x has no DirectoryService (it came in 3.1.1); use a 3.x release');

  const cluster = spec.clusterName;
  const vpc: Section = { vpc_id: spec.vpcId ?? '', master_subnet_id: spec.headNode.subnetId };
  const computeSubnets = unique(spec.queues.flatMap((q) => q.subnetIds));
  if (computeSubnets.length !== 1) {
    fail('queues', `2.x has one compute subnet for all queues; the queues use ${computeSubnets.length} (${computeSubnets.join(', ')})`);
  }
  vpc.compute_subnet_id = computeSubnets[0] ?? '';
  const sgs = unique([...spec.headNode.additionalSecurityGroupIds, ...spec.compute.additionalSecurityGroupIds]);
  if (sgs.length > 1) fail('headNode.additionalSecurityGroupIds', `2.x has one additional_sg for head and compute nodes; got ${sgs.join(', ')}`);
  if (sgs.length === 1) vpc.additional_sg = sgs[0]!;
  vpc.use_public_ips = false;
  const sshFrom = spec.headNodeSsh?.allowedIps;
  if (sshFrom?.startsWith('pl-')) fail('headNodeSsh.allowedIps', '2.x ssh_from takes a CIDR, not a prefix list');
  else if (sshFrom !== undefined) vpc.ssh_from = sshFrom;

  const c: Section = {};
  if (spec.headNode.keyName !== undefined) c.key_name = spec.headNode.keyName;
  Object.assign(c, {
    scheduler: 'slurm',
    base_os: spec.os,
    master_instance_type: spec.headNode.instanceType,
    master_root_volume_size: spec.headNode.rootVolumeSizeGiB,
    vpc_settings: cluster,
  });
  if (spec.compute.rootVolumeSizeGiB !== undefined) c.compute_root_volume_size = spec.compute.rootVolumeSizeGiB;
  if (spec.queues.length > MAX_QUEUES) fail('queues', `2.x allows at most ${MAX_QUEUES} queues, got ${spec.queues.length}`);
  c.queue_settings = spec.queues.map((q) => q.name).join(',');
  c.efs_settings = 'efs';
  if (spec.sharedStorage.fsxLustre) c.fsx_settings = 'fsx';
  // 2.x reads scaledown_idletime only from a [scaling] section that the cluster names in scaling_settings.
  c.scaling_settings = SCALING_LABEL;

  const headPolicies = [...spec.headNode.additionalIamPolicyArns].sort();
  const computePolicies = [...spec.compute.additionalIamPolicyArns].sort();
  if (headPolicies.join() !== computePolicies.join()) {
    fail('compute.additionalIamPolicyArns', '2.x attaches one additional_iam_policies list to head and compute nodes; make headNode and compute lists equal');
  }
  if (headPolicies.length) c.additional_iam_policies = spec.headNode.additionalIamPolicyArns.join(',');

  const { headNode: headScript, computeNode: computeScript, postInstall } = spec.customActions;
  let postInstallArgs: { path: string; args: string[]; leading: string[] } | undefined;
  if (postInstall) {
    if (headScript || computeScript) {
      fail('customActions', '2.x runs one post_install script on every node; give customActions.postInstall only (headNode/computeNode are the 3.x scripts)');
    }
    c.post_install = postInstall.scriptUri;
    // renderLegacyPostInstallScript takes the munge key secret ARN first: the script is an S3 asset and cannot embed it.
    postInstallArgs = { path: 'customActions.postInstall.args', args: postInstall.args, leading: [spec.mungeKeySecretArn] };
  } else if (headScript || computeScript) {
    const same = headScript && computeScript && headScript.scriptUri === computeScript.scriptUri && headScript.args.join('\u0000') === computeScript.args.join('\u0000');
    if (!same) {
      fail('customActions', '2.x runs one post_install script (with the same args) on head and compute nodes; give both the same scriptUri and args');
    }
    const script = (headScript ?? computeScript)!;
    c.post_install = script.scriptUri;
    postInstallArgs = { path: 'customActions.headNode.args', args: script.args, leading: [] };
  }
  if (postInstallArgs) {
    const { path, args, leading } = postInstallArgs;
    args.forEach((a, i) => {
      if (a === '' || /\s/.test(a)) fail(`${path}[${i}]`, '2.x passes post_install_args split on whitespace; an argument cannot be empty or contain spaces');
    });
    const all = [...leading, ...args];
    if (all.length) c.post_install_args = all.join(' ');
  }

  const reads = spec.headNode.s3AccessBuckets.filter((b) => !b.enableWriteAccess);
  const writes = spec.headNode.s3AccessBuckets.filter((b) => b.enableWriteAccess);
  const s3Arn = (b: { bucketName: string; keyName?: string }) => `arn:${spec.partition}:s3:::${b.bucketName}/${b.keyName ?? '*'}`;
  if (reads.length > 1) fail('headNode.s3AccessBuckets', '2.x has a single s3_read_resource; list at most one read-only bucket');
  if (writes.length > 1) fail('headNode.s3AccessBuckets', '2.x has a single s3_read_write_resource; list at most one writable bucket');
  if (reads[0]) c.s3_read_resource = s3Arn(reads[0]);
  if (writes[0]) c.s3_read_write_resource = s3Arn(writes[0]);

  const tagKeys = Object.keys(spec.tags).sort();
  if (tagKeys.length) c.tags = JSON.stringify(Object.fromEntries(tagKeys.map((k) => [k, spec.tags[k]])));

  const sections: Record<string, Section> = {
    aws: { aws_region_name: spec.region },
    global: { cluster_template: cluster, update_check: false, sanity_check: true },
    aliases: { ssh: 'ssh {CFN_USER}@{MASTER_IP} {ARGS}' },
    [`cluster ${cluster}`]: c,
    [`vpc ${cluster}`]: vpc,
    [`scaling ${SCALING_LABEL}`]: { scaledown_idletime: spec.scaledownIdletimeMinutes },
    'efs efs': { shared_dir: spec.sharedStorage.efs.mountDir, efs_fs_id: spec.sharedStorage.efs.fileSystemId },
  };
  if (spec.sharedStorage.fsxLustre) {
    sections['fsx fsx'] = { shared_dir: spec.sharedStorage.fsxLustre.mountDir, fsx_fs_id: spec.sharedStorage.fsxLustre.fileSystemId };
  }
  queueSections(spec, sections, fail);

  for (const [name, section] of Object.entries(sections)) {
    for (const [key, value] of Object.entries(section)) {
      if (typeof value === 'string' && key !== 'tags' && UNSAFE_VALUE.test(value.replace(CDK_TOKENS, ''))) {
        fail(`[${name}] ${key}`, `"${value}" cannot be written safely to a 2.x INI (no ; # = % quotes brackets, newlines or surrounding spaces)`);
      }
    }
  }
  if (c.tags !== undefined && /[;#%\r\n=]/.test(String(c.tags))) fail('tags', '2.x tags are JSON in an INI value; keys and values cannot contain ; # % = or newlines');
  if (problems.length) throw new ClusterSpecError(`cannot render ${cluster} as a ParallelCluster ${release} INI`, problems);
  return encode(sections, { whitespace: true, platform: 'linux' });
}

function queueSections(spec: ResolvedClusterSpec, sections: Record<string, Section>, fail: (p: string, m: string) => void): void {
  spec.queues.forEach((q, qi) => {
    if (q.computeResources.length > MAX_COMPUTE_RESOURCES) {
      fail(`queues[${qi}].computeResources`, `2.x allows at most ${MAX_COMPUTE_RESOURCES} compute resources per queue, got ${q.computeResources.length}`);
    }
    const efa = unique(q.computeResources.map((cr) => cr.efa === true));
    const smt = unique(q.computeResources.map((cr) => cr.disableSimultaneousMultithreading === true));
    if (efa.length > 1) fail(`queues[${qi}]`, '2.x sets enable_efa per queue; all compute resources of the queue must agree on efa');
    if (smt.length > 1) fail(`queues[${qi}]`, '2.x sets disable_hyperthreading per queue; all compute resources of the queue must agree');
    // Compute-resource section labels are global in 2.x; "_" cannot occur in queue or resource names, so this is unique.
    const labels = q.computeResources.map((cr) => `${q.name}_${cr.name}`);
    const section: Section = { compute_resource_settings: labels.join(','), compute_type: q.capacityType.toLowerCase() };
    if (efa[0]) {
      section.enable_efa = true;
      section.placement_group = 'DYNAMIC';
    }
    if (smt[0]) section.disable_hyperthreading = true;
    sections[`queue ${q.name}`] = section;
    q.computeResources.forEach((cr, ci) => {
      sections[`compute_resource ${labels[ci]}`] = { instance_type: cr.instanceType, min_count: cr.minCount, max_count: cr.maxCount };
    });
  });
}
