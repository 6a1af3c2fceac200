/**
 * The hpc-ha.yaml schema: one TypeBox definition is both the JSON Schema (published for editors and used by ajv)
 * and the TypeScript type of the file's contents before defaults that depend on the region are filled in.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { DirectorySchema } from './directory-schema.js';
import { PORTAL_KINDS } from './ondemand.js';
import { OpenOnDemandSchema } from './ondemand-schema.js';
import { AccountingSchema } from './accounting-schema.js';

const strict = { additionalProperties: false } as const;

const ArtifactLocation = (what: string) =>
  Type.Object(
    {
      uri: Type.String({
        description: `Where the ${what} is fetched from by the portal node: an s3:// URI (recommended: a bucket in the deployment's region) or an https:// URL.`,
        minLength: 1,
      }),
      sha256: Type.Optional(
        Type.String({ description: `SHA-256 of the ${what} as 64 hexadecimal characters; the node refuses a download that does not match.` }),
      ),
    },
    { ...strict, description: `Location of the ${what}.` },
  );

const ComputeResource = Type.Object(
  {
    name: Type.String({ description: 'Compute resource name: lower-case letters, digits and hyphens, starting with a letter, at most 25 characters.' }),
    instanceType: Type.String({ description: 'EC2 instance type (x86_64), e.g. c5.4xlarge.' }),
    minCount: Type.Integer({ minimum: 0, default: 0, description: 'Instances kept running even when idle.' }),
    maxCount: Type.Integer({ minimum: 1, default: 10, description: 'Most instances this resource scales to.' }),
    disableSimultaneousMultithreading: Type.Optional(Type.Boolean({ description: 'One thread per core (common for MPI jobs).' })),
    efa: Type.Optional(Type.Boolean({ description: 'Attach an Elastic Fabric Adapter (instance type must support it).' })),
  },
  { ...strict, description: 'A set of identical instances in a Slurm queue.' },
);

const Queue = Type.Object(
  {
    name: Type.String({ description: 'Slurm partition name: lower-case letters, digits and hyphens, starting with a letter, at most 25 characters, not "default".' }),
    capacityType: Type.Union([Type.Literal('ONDEMAND'), Type.Literal('SPOT')], { default: 'ONDEMAND', description: 'ONDEMAND or SPOT.' }),
    computeResources: Type.Array(ComputeResource, { minItems: 1, description: 'Instance groups of this queue.' }),
  },
  { ...strict, description: 'A Slurm queue (partition).' },
);

const ClusterOverride = Type.Object(
  {
    queues: Type.Optional(Type.Array(Queue, { description: 'Queues only this cluster gets, in addition to clusters.queues.' })),
  },
  { ...strict },
);

export const DeploymentConfigSchema = Type.Object(
  {
    name: Type.String({
      description: 'Deployment name: prefixes every stack and cluster name so several deployments share an account. Lower-case letters, digits and hyphens, starting with a letter, at most 24 characters.',
    }),
    region: Type.String({ description: 'AWS Region, e.g. cn-north-1.' }),
    account: Type.Optional(Type.String({ description: '12-digit account id; omit for an environment-agnostic synth.' })),
    disposable: Type.Boolean({
      default: false,
      description: 'true: the database, file systems and logs are deleted with the stacks (test deployments). false (default): they are retained or snapshotted.',
    }),
    tags: Type.Record(Type.String(), Type.String(), { default: {}, description: 'Tags applied to every resource that takes tags.' }),
    network: Type.Object(
      {
        vpcCidr: Type.String({ default: '10.0.0.0/16', description: 'IPv4 CIDR of the new VPC (/16 to /24).' }),
        availabilityZones: Type.Optional(
          Type.Array(Type.String(), { description: 'Exactly two distinct Availability Zones of the region; default: the first two of the region.' }),
        ),
      },
      { ...strict, default: {} },
    ),
    portal: Type.Object(
      {
        kind: Type.Union(
          PORTAL_KINDS.map((k) => Type.Literal(k)),
          {
            default: 'enginframe',
            description:
              'enginframe (default): NICE EnginFrame, needs its installer, licence and the Aurora database. openondemand: Open OnDemand (open source), needs a directory (directory.type ldap or activeDirectory).',
          },
        ),
        instanceType: Type.String({ default: 'm5.xlarge', description: 'EC2 instance type of each EnginFrame node (x86_64 only).' }),
        rootVolumeGiB: Type.Integer({ minimum: 20, maximum: 16384, default: 50, description: 'Root volume size of each EnginFrame node, GiB.' }),
        adminPasswordSecretArn: Type.Optional(
          Type.String({
            description: 'EnginFrame: ARN of the Secrets Manager secret holding the efadmin password as {"efadminPassword": "..."} (create it with `hpc-ha secret create`).',
          }),
        ),
        adminPasswordSecretKey: Type.String({ default: 'efadminPassword', description: 'JSON key of the password inside that secret.' }),
        keyName: Type.Optional(Type.String({ description: 'EC2 key pair for SSH; omit to use Session Manager only.' })),
        installer: Type.Optional(Type.Composite([
          ArtifactLocation('EnginFrame installer jar'),
          Type.Object({
            version: Type.Optional(
              Type.String({
                description: 'EnginFrame build in the jar, e.g. 2021.0-r1667; default: read from a file named enginframe-<version>.jar.',
              }),
            ),
          }),
        ], { additionalProperties: false, description: 'EnginFrame: location of the EnginFrame installer jar.' })),
        jdbcDriver: Type.Optional(ArtifactLocation('MySQL Connector/J jar')),
        openondemand: Type.Optional(OpenOnDemandSchema),
        licenseFile: Type.Optional(
          ArtifactLocation(
            'NICE EnginFrame licence file (installed on EFS and named in efinstall.config); needed where the partition has no AWS EnginFrame licence bucket, such as China',
          ),
        ),
      },
      { ...strict },
    ),
    database: Type.Object(
      {
        mode: Type.Union([Type.Literal('serverless-v2'), Type.Literal('provisioned')], {
          default: 'serverless-v2',
          description: 'serverless-v2: Aurora Serverless v2 writer and reader; provisioned: instances of database.instanceType.',
        }),
        minCapacity: Type.Number({ default: 0.5, description: 'Serverless v2 minimum capacity, ACU (0.5 to 256, in steps of 0.5).' }),
        maxCapacity: Type.Number({ default: 4, description: 'Serverless v2 maximum capacity, ACU (0.5 to 256, in steps of 0.5).' }),
        instanceType: Type.Optional(Type.String({ description: 'DB instance class for mode: provisioned, e.g. db.r6g.large.' })),
        backupRetentionDays: Type.Integer({ minimum: 7, maximum: 35, default: 7, description: 'Days of automated backups (7 to 35).' }),
        engineVersion: Type.Optional(
          Type.String({ description: 'Aurora MySQL 3 version, e.g. 3.10.3 (the 3.10 long-term-support line); default: the newest the region profile lists.' }),
        ),
      },
      { ...strict, default: {} },
    ),
    storage: Type.Object(
      {
        fsx: Type.Object(
          {
            deploymentType: Type.Optional(
              Type.Union(
                [Type.Literal('SCRATCH_1'), Type.Literal('SCRATCH_2'), Type.Literal('PERSISTENT_1'), Type.Literal('PERSISTENT_2')],
                { description: 'FSx for Lustre deployment type; default PERSISTENT_2 (SCRATCH types do not exist in China).' },
              ),
            ),
            storageCapacityGiB: Type.Integer({ default: 1200, description: 'Capacity of each FSx for Lustre file system: 1200, 2400 or a multiple of 2400 GiB.' }),
            perUnitStorageThroughput: Type.Optional(
              Type.Integer({ description: 'MB/s per TiB: 50, 100 or 200 for PERSISTENT_1; 125, 250, 500 or 1000 for PERSISTENT_2 (default 125); not for SCRATCH.' }),
            ),
          },
          { ...strict, default: {} },
        ),
      },
      { ...strict, default: {} },
    ),
    loadBalancer: Type.Object(
      {
        internetFacing: Type.Optional(
          Type.Boolean({ description: 'Public ALB; default false in China (a public HTTPS site there needs an ICP filing), true elsewhere.' }),
        ),
        allowedCidrs: Type.Array(Type.String(), {
          minItems: 1,
          description: 'IPv4 CIDRs allowed to reach the portal on 443. 0.0.0.0/0 only with internetFacing: true.',
        }),
        certificateArn: Type.Optional(
          Type.String({ description: 'ACM or IAM server certificate for the HTTPS listener; default: a self-signed certificate for the ALB DNS name.' }),
        ),
      },
      { ...strict },
    ),
    clusters: Type.Object(
      {
        provisioner: Type.Union([Type.Literal('cloudformation'), Type.Literal('instance')], {
          default: 'cloudformation',
          description: 'cloudformation: clusters are CloudFormation resources (ParallelCluster 3.6+); instance: each portal node runs the pcluster CLI for its cluster (required for 2.x).',
        }),
        parallelclusterVersion: Type.String({ default: '3.16.3', description: 'ParallelCluster version, e.g. 3.16.3 (2.10.x/2.11.x only with provisioner: instance).' }),
        os: Type.String({ default: 'alinux2023', description: 'Cluster OS, e.g. alinux2023, rhel9 (alinux2 for 2.x).' }),
        pipIndexUrl: Type.Optional(
          Type.String({ description: 'Python package index the portal nodes install the pcluster CLI from (provisioner: instance); default: a mirror in China, PyPI elsewhere.' }),
        ),
        headNode: Type.Object(
          {
            instanceType: Type.String({ default: 'c5.xlarge', description: 'Head node instance type (x86_64).' }),
            rootVolumeGiB: Type.Integer({ minimum: 35, maximum: 16384, default: 50, description: 'Head node root volume, GiB.' }),
            sshAllowedCidr: Type.Optional(
              Type.String({
                description:
                  'The only IPv4 CIDR ParallelCluster opens the head nodes\' SSH port to (HeadNode.Ssh.AllowedIps); default: network.vpcCidr. 0.0.0.0/0 only if you write it here.',
              }),
            ),
            passwordSsh: Type.Boolean({
              default: false,
              description:
                "true: keep the password SSH logins ParallelCluster's directory recipe turns on; false (default): the head-node script turns them off (key-based SSH and Session Manager stay).",
            }),
          },
          { ...strict, default: {} },
        ),
        queues: Type.Array(Queue, { minItems: 1, description: 'Queues every cluster gets.' }),
        overrides: Type.Object(
          {
            cluster1: Type.Optional(ClusterOverride),
            cluster2: Type.Optional(ClusterOverride),
          },
          { ...strict, default: {}, description: 'Per-cluster additions: cluster1 lives in the first AZ, cluster2 in the second.' },
        ),
      },
      { ...strict },
    ),
    directory: DirectorySchema,
    accounting: AccountingSchema,
    notifications: Type.Object(
      {
        emails: Type.Array(Type.String(), {
          default: [],
          description:
            'Addresses that receive the alarms by email (an encrypted SNS topic; each address must confirm the subscription). Empty (default): the alarms exist and `hpc-ha status` shows them, but nobody is emailed.',
        }),
      },
      { ...strict, default: {}, description: 'Who is told when an alarm fires.' },
    ),
  },
  {
    ...strict,
    title: 'hpc-ha deployment configuration',
    description: 'One file describes one highly available EnginFrame + ParallelCluster deployment.',
  },
);

/** The file's contents after schema defaults; region-dependent values may still be absent. */
export type DeploymentConfigFile = Static<typeof DeploymentConfigSchema>;
export type QueueConfig = Static<typeof Queue>;
export type ComputeResourceConfig = Static<typeof ComputeResource>;

/**
 * Keys with a default are required in the TypeScript type (ajv fills them in before anyone reads the config) but
 * optional in the file, so the published schema and the validator drop them from `required`.
 */
function relaxDefaults(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(relaxDefaults);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = relaxDefaults(v);
  const props = out['properties'] as Record<string, { default?: unknown }> | undefined;
  if (props && Array.isArray(out['required'])) {
    const required = (out['required'] as string[]).filter((key) => props[key]?.default === undefined);
    if (required.length > 0) out['required'] = required;
    else delete out['required'];
  }
  return out;
}

/** The JSON Schema as published (`packages/infra/schema/hpc-ha.schema.json`) and as the loader validates. */
export function deploymentConfigJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    ...(relaxDefaults(DeploymentConfigSchema as TSchema) as Record<string, unknown>),
  };
}
