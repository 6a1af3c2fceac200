import {
  bootstrapSql,
  renderPortalBootstrapEnv,
  renderPortalBootstrapProgram,
  shellSingleQuote,
  type PortalBootstrapSpec,
} from '@hpc-ha/enginframe-config';
import { clusterPlans, enginframePortal, type DeploymentConfig } from '../config/index.js';
import { EFS_MOUNT_DIR, PUBLISH_ROOT, isLegacyParallelCluster } from './clusters.js';
import { portalDirectory } from './directory.js';
import type { DeploymentValues } from './values.js';

/** EnginFrame's database and the user the db-bootstrap custom resource creates (its secret holds the same name). */
export const ENGINFRAME_DATABASE = 'EnginFrameDB';
export const ENGINFRAME_DB_USER = 'efdbuser';
/** Aurora MySQL's port; the database stack keeps the default. */
export const DATABASE_PORT = 3306;

/**
 * With `provisioner: cloudformation` the portal and the clusters are created in the same deploy wave, so a node
 * may finish its own set-up long before its cluster exists: ParallelCluster's provider stack plus a head node
 * typically take 20-30 minutes. 50 minutes of waiting still ends inside the node's 90-minute signal timeout.
 */
export const CLUSTER_PUBLICATION_WAIT_SECONDS = 3000;

/** The EnginFrame build of the installer jar (the loader reads it from the file name or `portal.installer.version`). */
export function enginframeVersion(config: Pick<DeploymentConfig, 'portal'>): string {
  return enginframePortal(config).installer.version;
}

/** The enginframe-config input for portal node 1 (AZ 1, installs) or 2 (AZ 2, joins). */
export function portalBootstrapSpec(config: DeploymentConfig, values: DeploymentValues, nodeIndex: 1 | 2): PortalBootstrapSpec {
  const plans = clusterPlans(config);
  const own = plans[nodeIndex - 1];
  const portal = enginframePortal(config);
  const spec: PortalBootstrapSpec = {
    region: config.region,
    partition: config.partition,
    urlSuffix: config.urlSuffix,
    nodeIndex,
    efs: { fileSystemId: values.efsFileSystemId, mountDir: EFS_MOUNT_DIR, publicationRoot: PUBLISH_ROOT },
    fsx: plans.map((plan, i) => ({ ...values.fsx[i]!, mountDir: plan.fsxMountDir, cluster: plan.name })),
    clusters: plans.map((plan) => ({ name: plan.name, label: `${plan.name} (${plan.availabilityZone})` })),
    ownCluster: own.name,
    database: {
      host: values.databaseEndpoint,
      port: DATABASE_PORT,
      name: ENGINFRAME_DATABASE,
      user: ENGINFRAME_DB_USER,
      appUserSecretArn: values.databaseUserSecretArn,
    },
    adminPassword: { secretArn: portal.adminPasswordSecretArn, jsonKey: portal.adminPasswordSecretKey },
    mungeKeySecretArn: values.mungeKeySecretArn,
    installer: { uri: portal.installer.uri, ...(portal.installer.sha256 ? { sha256: portal.installer.sha256 } : {}) },
    jdbcDriver: { ...portal.jdbcDriver },
    ...(portal.licenseFile ? { licenseFile: { ...portal.licenseFile } } : {}),
    enginframe: { version: enginframeVersion(config) },
    signal: { stackName: values.signalStackName, logicalResourceId: values.signalResources[nodeIndex - 1], region: config.region },
    ...(config.clusters.provisioner === 'cloudformation' ? { timeouts: { clusterPublicationSeconds: CLUSTER_PUBLICATION_WAIT_SECONDS } } : {}),
  };
  const directory = portalDirectory(config, values);
  return directory ? { ...spec, directory } : spec;
}

/**
 * Adds the instance-mode cluster creation to a node's spec: it creates (or adopts) its own AZ's cluster with the
 * pcluster CLI of the configured version, from the v3 YAML or, for ParallelCluster 2.x, the INI file.
 */
export function withClusterCreation(
  spec: PortalBootstrapSpec,
  config: DeploymentConfig,
  clusterName: string,
  source: string | { configObject: NonNullable<PortalBootstrapSpec['pcluster']>['configObject'] },
): PortalBootstrapSpec {
  if (config.clusters.provisioner !== 'instance') return spec;
  const inline = isLegacyParallelCluster(config) ? { configIni: source as string } : { configYaml: source as string };
  return {
    ...spec,
    pcluster: {
      version: config.clusters.parallelclusterVersion,
      ...(config.clusters.pipIndexUrl !== undefined ? { pipIndexUrl: config.clusters.pipIndexUrl } : {}),
      clusterName,
      ...(typeof source === 'string' ? inline : source),
    },
  };
}

/** The static program, with a shebang so the copy it keeps for its re-sync timer is executable on its own. */
export function portalProgram(): string {
  return `#!/usr/bin/env bash\n${renderPortalBootstrapProgram()}`;
}

/**
 * EC2 user data of a portal node: the settings block, then a short loader that fetches the static program from
 * S3 (user data is capped at 16 KB; the program alone is larger) and runs it in this shell so it sees the
 * settings. If the program cannot be fetched, the loader itself signals failure so the stack does not wait an hour.
 */
export function portalUserData(
  env: string,
  values: Pick<DeploymentValues, 'portalProgramUri' | 'bootstrapLogGroupName'>,
  config: Pick<DeploymentConfig, 'region'>,
  logFile = '/var/log/hpc-ha/portal-bootstrap.log',
): string {
  const region = shellSingleQuote(config.region);
  const programUri = values.portalProgramUri;
  const agentConfig = JSON.stringify({
    logs: {
      logs_collected: {
        files: {
          collect_list: [
            { file_path: logFile, log_group_name: values.bootstrapLogGroupName, log_stream_name: '{instance_id}/portal-bootstrap' },
            { file_path: '/var/log/cloud-init-output.log', log_group_name: values.bootstrapLogGroupName, log_stream_name: '{instance_id}/cloud-init' },
          ],
        },
      },
    },
  });
  return `#!/usr/bin/env bash
${env}
# Ship the bootstrap log to CloudWatch Logs (best effort: a missing agent must not stop the node).
hpc_ha_cwa_dir=/opt/aws/amazon-cloudwatch-agent
if dnf install -y amazon-cloudwatch-agent >&2; then
  mkdir -p /var/log/hpc-ha "$hpc_ha_cwa_dir/etc"
  printf '%s\n' ${shellSingleQuote(agentConfig)} >"$hpc_ha_cwa_dir/etc/hpc-ha-logs.json"
  "$hpc_ha_cwa_dir/bin/amazon-cloudwatch-agent-ctl" -a fetch-config -m ec2 -s -c "file:$hpc_ha_cwa_dir/etc/hpc-ha-logs.json" >&2 ||
    echo "hpc-ha: the CloudWatch agent did not start; the bootstrap log stays on the node" >&2
fi
hpc_ha_program="$(mktemp /var/tmp/hpc-ha-portal-bootstrap.XXXXXX)"
hpc_ha_fetched=0
for hpc_ha_attempt in 1 2 3 4 5 6; do
  if aws s3 cp --only-show-errors --region ${region} ${shellSingleQuote(programUri)} "$hpc_ha_program"; then
    hpc_ha_fetched=1
    break
  fi
  echo "hpc-ha: fetching the bootstrap program failed (attempt $hpc_ha_attempt of 6)" >&2
  sleep 10
done
if [ "$hpc_ha_fetched" != 1 ]; then
  dnf install -y aws-cfn-bootstrap >&2 || true
  # aws-cfn-bootstrap installs into /opt/aws/bin, which cloud-init's PATH lacks.
  PATH="/opt/aws/bin:$PATH" cfn-signal --exit-code 1 --reason 'hpc-ha: cannot fetch the portal bootstrap program from S3' \\
    --stack "$HPC_HA_SIGNAL_STACK" --resource "$HPC_HA_SIGNAL_RESOURCE" --region "$HPC_HA_SIGNAL_REGION" \\
    --url "https://cloudformation.$HPC_HA_SIGNAL_REGION.$HPC_HA_URL_SUFFIX" || true
  exit 1
fi
# The program as \`hpc-ha render\` lays it out, for shellcheck -x; on the node it is the file fetched above.
# shellcheck source=../bootstrap-program.sh
source "$hpc_ha_program" boot
`;
}

/** The db-bootstrap statements as a readable script (parameters shown as `?`, the password bound at run time). */
export function bootstrapSqlText(): string {
  const statements = bootstrapSql({ database: ENGINFRAME_DATABASE, user: ENGINFRAME_DB_USER });
  const lines = [
    '-- Run by the db-bootstrap custom resource with the Aurora master user; each ? is bound to the EnginFrame',
    `-- user's password from its secret. Safe to run again.`,
  ];
  for (const s of statements) {
    lines.push('', ...(s.params.length ? [`-- parameters: ${s.params.join(', ')}`] : []), `${s.sql.trim().replace(/;?$/, ';')}`);
  }
  return `${lines.join('\n')}\n`;
}

export { renderPortalBootstrapEnv };
