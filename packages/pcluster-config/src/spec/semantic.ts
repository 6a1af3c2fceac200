import { isDeployTimeValue } from '../deploy-time.js';
import { resourcePrefixProblems } from '../iam/resource-prefix.js';
import { osUnavailable } from '../schema/image.js';
import { formatPath, type PathSegment } from '../issues.js';
import { normaliseMountDir, RESERVED_MOUNT_DIRS } from '../validate/storage.js';
import { partitionOf } from '../validate/tags-partition.js';
import { DESKTOP_AVAILABILITY } from '../desktop-availability.js';
import { PARTITIONS, type ResolvedClusterSpec } from './cluster-spec.js';
import type { SpecProblem } from './errors.js';
import { accountingProblems } from './accounting.js';

/** Cross-field rules of the spec, chosen so that every spec passing them renders a config ParallelCluster accepts. */
export function specProblems(spec: ResolvedClusterSpec): SpecProblem[] {
  const out: SpecProblem[] = [];
  const add = (path: PathSegment[], message: string) => out.push({ path: formatPath(path), message });

  if (!(PARTITIONS as readonly string[]).includes(spec.partition)) {
    add(['region'], `region ${spec.region} is in partition "${spec.partition}", which is not supported (use aws, aws-cn or aws-us-gov)`);
    return out;
  }
  // ARNs are compared with the region's partition when it is known, so a wrong `partition` is reported once.
  let partition: string = spec.partition;
  if (!isDeployTimeValue(spec.region)) {
    partition = partitionOf(spec.region);
    if (spec.partition !== partition) add(['partition'], `region ${spec.region} is in partition "${partition}", not "${spec.partition}"`);
  }
  const arns: [PathSegment[], string][] = [
    [['mungeKeySecretArn'], spec.mungeKeySecretArn],
    ...(spec.directoryService ? [[['directoryService', 'passwordSecretArn'], spec.directoryService.passwordSecretArn] as [PathSegment[], string]] : []),
    ...(spec.slurmAccounting ? [[['slurmAccounting', 'passwordSecretArn'], spec.slurmAccounting.passwordSecretArn] as [PathSegment[], string]] : []),
    ...spec.headNode.additionalIamPolicyArns.map((a, i): [PathSegment[], string] => [['headNode', 'additionalIamPolicyArns', i], a]),
    ...spec.compute.additionalIamPolicyArns.map((a, i): [PathSegment[], string] => [['compute', 'additionalIamPolicyArns', i], a]),
  ];
  for (const [path, arn] of arns) {
    const m = /^arn:([^:]*):/.exec(arn);
    if (m && !isDeployTimeValue(m[1]!) && m[1] !== partition) {
      add(path, `ARN is in partition "${m[1]}" but this cluster is in "${partition}"; write arn:${partition}:...`);
    }
  }

  if (spec.desktop && !spec.desktop.bundle && !DESKTOP_AVAILABILITY[spec.os].repositories) {
    add(['desktop', 'bundle'], `the Open OnDemand desktop is unavailable on ${spec.os} without a bundle: ${DESKTOP_AVAILABILITY[spec.os].reason}`);
  }
  if (spec.parallelclusterVersion.startsWith('3.')) {
    const why = osUnavailable(spec.os, spec.parallelclusterVersion);
    if (why) add(['os'], why);
    if (spec.customActions.postInstall) {
      add(['customActions', 'postInstall'], 'postInstall is the single post_install script of ParallelCluster 2.x; 3.x runs customActions.headNode and computeNode');
    }
  } else {
    const v3Only: [PathSegment[], unknown][] = [
      [['customActions', 'headNodeUpdated'], spec.customActions.headNodeUpdated],
      [['queueUpdateStrategy'], spec.queueUpdateStrategy],
      [['srunPortRange'], spec.srunPortRange],
      [['iamResourcePrefix'], spec.iamResourcePrefix],
    ];
    for (const [path, value] of v3Only) if (value !== undefined) add(path, 'ParallelCluster 2.x has no such setting (3.x only)');
  }
  if (spec.iamResourcePrefix !== undefined && !isDeployTimeValue(spec.iamResourcePrefix)) {
    for (const problem of resourcePrefixProblems(spec.iamResourcePrefix)) add(['iamResourcePrefix'], problem);
  }
  if (spec.srunPortRange !== undefined) {
    const [from, to] = spec.srunPortRange.split('-').map(Number) as [number, number];
    if (!(from >= 1024 && from <= to && to <= 65535)) add(['srunPortRange'], `${spec.srunPortRange} is not a range of unprivileged ports (1024-65535, low-high)`);
  }

  const queueNames = new Set<string>();
  let total = 0;
  spec.queues.forEach((q, qi) => {
    if (q.name === 'default') add(['queues', qi, 'name'], '"default" is reserved by ParallelCluster');
    if (queueNames.has(q.name)) add(['queues', qi, 'name'], `queue name "${q.name}" is used twice`);
    queueNames.add(q.name);
    if (new Set(q.subnetIds).size !== q.subnetIds.length) add(['queues', qi, 'subnetIds'], 'a subnet is listed twice');
    const crNames = new Set<string>();
    q.computeResources.forEach((cr, ci) => {
      total++;
      const p: PathSegment[] = ['queues', qi, 'computeResources', ci];
      if (cr.name === 'default') add([...p, 'name'], '"default" is reserved by ParallelCluster');
      if (crNames.has(cr.name)) add([...p, 'name'], `compute resource name "${cr.name}" is used twice in queue ${q.name}`);
      crNames.add(cr.name);
      if (cr.minCount > cr.maxCount) add([...p, 'minCount'], `minCount (${cr.minCount}) exceeds maxCount (${cr.maxCount})`);
      if (cr.efa && q.subnetIds.length > 1) {
        add([...p, 'efa'], 'EFA needs a placement group, which lives in one Availability Zone; give this queue a single subnet');
      }
    });
  });
  if (total > 50) add(['queues'], `${total} compute resources in total; ParallelCluster allows at most 50 per cluster`);

  const dirs: [PathSegment[], string][] = [[['sharedStorage', 'efs', 'mountDir'], spec.sharedStorage.efs.mountDir]];
  if (spec.sharedStorage.fsxLustre) dirs.push([['sharedStorage', 'fsxLustre', 'mountDir'], spec.sharedStorage.fsxLustre.mountDir]);
  for (const [path, raw] of dirs) {
    const d = normaliseMountDir(raw);
    if (RESERVED_MOUNT_DIRS.includes(d) || d === '/NONE') add(path, `"${raw}" is a reserved directory; choose another mount directory`);
  }
  if (dirs.length === 2) {
    const [a, b] = dirs.map(([, d]) => normaliseMountDir(d)) as [string, string];
    if (a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`)) {
      add(dirs[1]![0], `"${dirs[1]![1]}" overlaps the EFS mount directory "${dirs[0]![1]}"; one file system would hide the other`);
    }
    if (spec.sharedStorage.fsxLustre!.fileSystemId === spec.sharedStorage.efs.fileSystemId) {
      add(['sharedStorage', 'fsxLustre', 'fileSystemId'], 'the FSx and EFS file system ids are identical');
    }
  }

  const tagKeys = Object.keys(spec.tags);
  if (tagKeys.length > 40) add(['tags'], `${tagKeys.length} tags; ParallelCluster allows at most 40`);
  for (const k of tagKeys) {
    if (k.startsWith('parallelcluster:')) add(['tags', k], 'tag keys starting with "parallelcluster:" are reserved');
    if (k.length === 0 || k.length > 128) add(['tags', k], 'tag keys must have 1 to 128 characters');
  }

  const a = spec.portalAdmin;
  const s = spec.portalServiceUser;
  if (a.userName === s.userName) add(['portalServiceUser', 'userName'], 'must differ from portalAdmin.userName');
  if (a.uid === s.uid) add(['portalServiceUser', 'uid'], 'must differ from portalAdmin.uid');
  if (a.groupName === s.groupName && a.gid !== s.gid) add(['portalServiceUser', 'gid'], 'the same group name needs the same gid');
  if (a.groupName !== s.groupName && a.gid === s.gid) add(['portalServiceUser', 'gid'], 'two different groups cannot share one gid');
  if (spec.publishRoot.split('/').some((seg) => seg === '.' || seg === '..')) add(['publishRoot'], 'must not contain "." or ".." segments');
  out.push(...accountingProblems(spec));
  return out;
}
