/** Everything `hpc-ha init` asks; the rest of the file is documented defaults. */
export interface InitAnswers {
  readonly name: string;
  readonly region: string;
  readonly partition: string;
  readonly availabilityZones: readonly [string, string];
  readonly internetFacing: boolean;
  readonly allowedCidrs: readonly string[];
  readonly portalInstanceType: string;
  /** Undefined: a placeholder ARN that validates, to be replaced by `hpc-ha secret create --write-config`. */
  readonly adminPasswordSecretArn?: string;
  readonly installerUri: string;
  readonly jdbcDriverUri: string;
  readonly fsxDeploymentType: string;
  /** Which portal; enginframe when absent. openondemand also writes a directory section to fill in. */
  readonly portalKind?: 'enginframe' | 'openondemand';
  /** Where the editor finds the JSON Schema, relative to the written file (or a URL). */
  readonly schemaRef: string;
}

export const PLACEHOLDER_ACCOUNT = '000000000000';

export function placeholderSecretArn(partition: string, region: string): string {
  return `arn:${partition}:secretsmanager:${region}:${PLACEHOLDER_ACCOUNT}:secret:efadminPassword-REPLACE`;
}

/** YAML double-quoted only when a plain scalar would be read back differently. */
function scalar(value: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9_./:@+-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|~|[0-9.e+-]+)$/i.test(value) ? value : JSON.stringify(value);
}

function enginframePortal(a: InitAnswers, secret: string): string {
  return `portal:
  # EnginFrame node type (seed: ec2_type_enginframe). x86_64 only: EnginFrame does not run on Graviton.
  instanceType: ${scalar(a.portalInstanceType)}
  # Root volume of each EnginFrame node in GiB (seed: ebs_engingframe_size).
  rootVolumeGiB: 50
  # Secret holding {"efadminPassword": "..."} (seed: arn_efadmin_password).${a.adminPasswordSecretArn === undefined ? `
  # PLACEHOLDER: run \`hpc-ha secret create --write-config -c <this file>\` to create the secret and set this.` : ''}
  adminPasswordSecretArn: ${scalar(secret)}
  # keyName: my-key        # optional EC2 key pair (seed: key_name); Session Manager works without one
  # The EnginFrame installer jar, staged in a bucket of ${a.region}, named enginframe-<version>.jar (or add
  # version: <build>). Add sha256: <64 hex> to have the node verify it.
  installer:
    uri: ${scalar(a.installerUri)}
  # MySQL Connector/J jar (seed: jdbc_driver_link).
  jdbcDriver:
    uri: ${scalar(a.jdbcDriverUri)}

database:
  # Aurora MySQL 3: serverless-v2 (capacities below, in ACU) or provisioned (set instanceType).
  mode: serverless-v2
  minCapacity: 0.5
  maxCapacity: 4

`;
}

/** Open OnDemand needs no installer, secret or database, but a directory: placeholders that validate, to replace. */
function openOnDemandPortal(a: InitAnswers): string {
  return `portal:
  # Open OnDemand (open source): each user logs in with a directory account (the directory section below).
  kind: openondemand
  # Open OnDemand node type (Amazon Linux 2023, x86_64).
  instanceType: ${scalar(a.portalInstanceType)}
  rootVolumeGiB: 50
  openondemand:
    # Package version; quote it so YAML keeps it a string.
    version: "4.2.3"${a.partition === 'aws-cn' ? `
    # From China the public repository may be slow or blocked: stage the RPMs as one tar in a bucket of ${a.region}
    # and uncomment (the node refuses a file whose SHA-256 differs).
    # bundle:
    #   uri: s3://my-hpc-artifacts-${a.region}/ondemand/ondemand-4.2.3.tar
    #   sha256: <64 hex>` : ''}
    title: Open OnDemand
    # Log out after this many minutes without a request.
    idleTimeoutMinutes: 480

# Aurora MySQL 3 holds the clusters' Slurm accounting (accounting below); slurmdbd's load is light, so the writer
# and the reader (failover target in the other AZ) run at Serverless v2's smallest capacities.
database:
  mode: serverless-v2
  minCapacity: 0.5
  maxCapacity: 1

# PLACEHOLDER: your directory. ldap (RFC 2307, e.g. OpenLDAP) or activeDirectory; one LDAPS server per AZ.
directory:
  type: ldap
  uris: [ldaps://ldap1.example.internal, ldaps://ldap2.example.internal]
  baseDn: dc=example,dc=internal
  bindDn: cn=readonly,dc=example,dc=internal
  # Secret whose SecretString is the bind password as plain text.
  bindPasswordSecretArn: arn:${a.partition}:secretsmanager:${a.region}:${PLACEHOLDER_ACCOUNT}:secret:ldap-bind-REPLACE
  adminGroup: hpc-admins

`;
}

/**
 * The commented hpc-ha.yaml `init` writes. Pure: the same answers give the same bytes. The comments say what each
 * key does and what the seed called it, so the file doubles as documentation.
 */
export function renderInitConfig(a: InitAnswers): string {
  const china = a.partition === 'aws-cn';
  const secret = a.adminPasswordSecretArn ?? placeholderSecretArn(a.partition, a.region);
  const throughput = a.fsxDeploymentType === 'PERSISTENT_2' ? '\n    # MB/s per TiB: 125, 250, 500 or 1000 for PERSISTENT_2.\n    perUnitStorageThroughput: 125' : '';
  return `# yaml-language-server: $schema=${a.schemaRef}
#
# hpc-ha deployment config, written by \`hpc-ha init\`. Check it with \`hpc-ha validate -c <this file>\`.
# Keys not written here take the defaults documented in the schema (your editor shows them on hover).

# Prefix of every stack and cluster name. 1-24 lower-case letters, digits, hyphens.
name: ${scalar(a.name)}
# Partition (${a.partition}), endpoints and regional defaults follow from the region.
region: ${scalar(a.region)}
# account: "123456789012"   # optional; omit for an environment-agnostic synth

# true only for test deployments: the database, file systems and logs are then deleted with the stacks.
disposable: false

tags:
  project: hpc-ha

network:
  # /16 to /24; split into a public and a private subnet in each Availability Zone.
  vpcCidr: 10.0.0.0/16
  # Exactly two Availability Zones of ${a.region}: one portal node and one cluster in each.
  availabilityZones: [${a.availabilityZones.map(scalar).join(', ')}]

${a.portalKind === 'openondemand' ? openOnDemandPortal(a) : enginframePortal(a, secret)}storage:
  fsx:
    # One FSx for Lustre per AZ (/fsx_cluster1, /fsx_cluster2).${china ? ' SCRATCH types do not exist in China.' : ''}
    deploymentType: ${a.fsxDeploymentType}
    # seed: fsx_size. 1200, 2400 or a multiple of 2400 GiB.
    storageCapacityGiB: 1200${throughput}

loadBalancer:
  # ${china ? 'Internal by default in China: a public HTTPS site there needs an ICP filing.' : 'Internet-facing: reachable from the CIDRs below.'}
  internetFacing: ${a.internetFacing}
  # Who may open the portal (office or VPN ranges). 0.0.0.0/0 is refused for an internal ALB.
  allowedCidrs: [${a.allowedCidrs.map(scalar).join(', ')}]
  # certificateArn: ...     # ACM certificate for HTTPS; default: a self-signed certificate

clusters:
  # cloudformation: clusters are CloudFormation resources; instance: the portal nodes run the pcluster CLI.
  provisioner: cloudformation
  # seed: pcluster_version.
  parallelclusterVersion: 3.16.3
  os: alinux2023
  headNode:
    instanceType: c5.xlarge
  # Queues both clusters get. Names: lower-case letters, digits, hyphens; at most 25 characters.
  queues:
    - name: compute
      computeResources:
        - name: c5-4xl
          instanceType: c5.4xlarge
          minCount: 0
          maxCount: 10
  # Queues for one cluster only, e.g. an instance type that one AZ lacks:
  # overrides:
  #   cluster1:
  #     queues: [...]

# Slurm accounting: each cluster's head node runs slurmdbd into its own database in the deployment's Aurora, so
# sacct and sreport answer from the portal and fair-share, limits and QOS can be set. Turning it on or off later
# needs each cluster's compute fleet stopped (ParallelCluster's update policy).
accounting:
  enabled: true
`;
}
