import { renderOodBootstrapEnv, renderOodBootstrapProgram, type OodBootstrapSpec, type OodPortalSpec } from '@hpc-ha/ondemand-config';
import { clusterPlans, ondemandDesktop, type DeploymentConfig, type OpenOnDemandPortalConfig } from '../config/index.js';
import { EFS_MOUNT_DIR, PUBLISH_ROOT } from './clusters.js';
import { directoryAccessFilter, portalDirectory } from './directory.js';
import type { DeploymentValues } from './values.js';

export const ONDEMAND_LOG_FILE = '/var/log/hpc-ha/ondemand-bootstrap.log';

function openOnDemand(config: DeploymentConfig): OpenOnDemandPortalConfig {
  if (config.portal.kind !== 'openondemand') throw new Error('internal: not an Open OnDemand deployment');
  return config.portal;
}

/**
 * Dex's LDAP connector for one node: the directory server of its own AZ first, the others as failover (the node
 * moves Dex to the first that answers). The servers are sssd's, so Dex and sssd ask the same directory.
 */
function dexLdap(config: DeploymentConfig, nodeIndex: 1 | 2, uris: readonly string[]): NonNullable<OodPortalSpec['dexLdap']> {
  const d = config.directory;
  if (d.type === 'none') throw new Error('internal: Open OnDemand needs a directory (the loader refuses type none)');
  // Own AZ's server first, then the others in order: the node moves Dex to the first that answers.
  const first = (nodeIndex - 1) % uris.length;
  const [host, ...failoverHosts] = [...uris.slice(first), ...uris.slice(0, first)].map((uri) => {
    const hostPort = uri.replace(/^ldaps:\/\//, '').replace(/\/.*$/, '');
    return /:\d+$/.test(hostPort) ? hostPort : `${hostPort}:636`;
  });
  const accessFilter = directoryAccessFilter(config);
  return {
    directoryType: d.type,
    host: host!,
    ...(failoverHosts.length > 0 ? { failoverHosts } : {}),
    bindDn: d.bindDn,
    userBaseDn: d.baseDn,
    ...(accessFilter ? { accessFilter } : {}),
  };
}

/** The ondemand-config input for Open OnDemand node 1 (AZ 1) or 2 (AZ 2); both do the same work. */
export function ondemandBootstrapSpec(config: DeploymentConfig, values: DeploymentValues, nodeIndex: 1 | 2): OodBootstrapSpec {
  const ood = openOnDemand(config).openondemand;
  const plans = clusterPlans(config);
  const desktop = ondemandDesktop(config);
  const d = config.directory;
  if (d.type === 'none') throw new Error('internal: Open OnDemand needs a directory');
  if (values.oidcPassphraseSecretArn === undefined) throw new Error('internal: no OIDC passphrase secret for Open OnDemand');
  const serverName = ood.serverName ?? values.loadBalancerDnsName;
  if (serverName === undefined) throw new Error('internal: Open OnDemand needs the load balancer DNS name');
  const directory = portalDirectory(config, values);
  if (!directory) throw new Error('internal: no directory for Open OnDemand');
  return {
    region: config.region,
    partition: config.partition,
    urlSuffix: config.urlSuffix,
    nodeIndex,
    efs: { fileSystemId: values.efsFileSystemId, mountDir: EFS_MOUNT_DIR, publicationRoot: PUBLISH_ROOT },
    fsx: plans.map((plan, i) => ({ ...values.fsx[i]!, mountDir: plan.fsxMountDir, cluster: plan.name })),
    clusters: plans.map((plan) => ({
      name: plan.name,
      label: `${plan.name} (${plan.availabilityZone})`,
      show: ood.clusters.includes(plan.id),
      ...(desktop ? { desktop: { queues: plan.queues.map((q) => q.name), maxHours: desktop.maxHours, maxCores: desktop.maxCores, desktop: desktop.session } } : {}),
    })),
    ownCluster: plans[nodeIndex - 1].name,
    mungeKeySecretArn: values.mungeKeySecretArn,
    directory,
    ondemand: {
      version: ood.version,
      ...(ood.repositoryUrl !== undefined ? { repositoryUrl: ood.repositoryUrl } : {}),
      ...(ood.bundle ? { bundle: { uri: ood.bundle.uri, sha256: ood.bundle.sha256.toLowerCase() } } : {}),
    },
    portal: {
      serverName,
      idleTimeoutSeconds: ood.idleTimeoutMinutes * 60,
      maxSessionSeconds: Math.max(28800, ood.idleTimeoutMinutes * 60),
      title: ood.title,
      dexLdap: dexLdap(config, nodeIndex, directory.sssd.ldapUris),
    },
    branding: { title: ood.title, ...(ood.brandColor ? { brandBgColor: ood.brandColor } : {}) },
    secrets: {
      oidcCryptoPassphrase: { secretArn: values.oidcPassphraseSecretArn },
      // The directory's bind secret holds the password as plain text (ParallelCluster's form), so no JSON key.
      ldapBindPassword: { secretArn: d.bindPasswordSecretArn },
    },
    ...(d.caCertificate ? { ldapCaCertificate: { uri: d.caCertificate.uri, ...(d.caCertificate.sha256 ? { sha256: d.caCertificate.sha256.toLowerCase() } : {}) } } : {}),
    signal: { stackName: values.signalStackName, logicalResourceId: values.signalResources[nodeIndex - 1], region: config.region },
    logFile: ONDEMAND_LOG_FILE,
  };
}

export function ondemandEnv(config: DeploymentConfig, values: DeploymentValues, nodeIndex: 1 | 2): string {
  return renderOodBootstrapEnv(ondemandBootstrapSpec(config, values, nodeIndex));
}

/** The static program, with a shebang so the copy its re-sync timer runs is executable on its own. */
export function ondemandProgram(): string {
  return `#!/usr/bin/env bash\n${renderOodBootstrapProgram()}`;
}
