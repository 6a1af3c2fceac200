import type { DeploymentConfig } from '../config/index.js';
import { renderCustomActionRunner } from '@hpc-ha/pcluster-config';
import { clusterConfigObjects, clusterConfigPlaceholders } from './cluster-config-object.js';
import { clusterArtifacts, isLegacyParallelCluster, type ClusterArtifacts } from './clusters.js';
import {
  bootstrapSqlText,
  portalBootstrapSpec,
  portalProgram,
  portalUserData,
  renderPortalBootstrapEnv,
  withClusterCreation,
} from './portal.js';
import { ONDEMAND_LOG_FILE, ondemandEnv, ondemandProgram } from './ondemand.js';
import { placeholderValues, type DeploymentValues } from './values.js';

/** One generated file, as `hpc-ha render` writes it. */
export interface ArtifactFile {
  /** Relative path, `/`-separated. */
  readonly path: string;
  readonly description: string;
  readonly content: string;
}

export interface PortalNodeArtifacts {
  readonly nodeIndex: 1 | 2;
  /** The settings block (`readonly HPC_HA_*=...`). */
  readonly env: string;
  /** EC2 user data: settings plus the loader of the static program. */
  readonly userData: string;
}

/** Everything generated for one deployment, structured for the CDK stacks. */
export interface DeploymentArtifacts {
  readonly clusters: readonly [ClusterArtifacts, ClusterArtifacts];
  /** The static portal bootstrap program (an S3 asset). */
  readonly portalProgram: string;
  readonly portalNodes: readonly [PortalNodeArtifacts, PortalNodeArtifacts];
  /** EnginFrame's database statements; Open OnDemand has no database. */
  readonly bootstrapSql?: string;
}

/** Files whose text must be known at synth time (they become S3 assets): independent of deploy-time values. */
export interface StaticArtifacts {
  readonly portalProgram: string;
  /** Custom-action scripts per cluster (3.x); undefined for ParallelCluster 2.x. */
  readonly headNodeScripts?: readonly [string, string];
  readonly computeNodeScripts?: readonly [string, string];
  /** 3.x: the head node's OnNodeConfigured/OnNodeUpdated runner (one static script for both clusters). */
  readonly customActionRunner?: string;
  /** ParallelCluster 2.x: the post_install script per cluster (it takes the munge key secret ARN as argument). */
  readonly postInstallScripts?: readonly [string, string];
}

export function staticArtifacts(config: DeploymentConfig): StaticArtifacts {
  const program = config.portal.kind === 'openondemand' ? ondemandProgram() : portalProgram();
  // The scripts embed only static spec fields (pcluster-config rejects anything else), so placeholders do.
  const [c1, c2] = clusterArtifacts(config, placeholderValues(config));
  if (isLegacyParallelCluster(config)) {
    return { portalProgram: program, postInstallScripts: [c1.postInstallScript ?? '', c2.postInstallScript ?? ''] };
  }
  return {
    portalProgram: program,
    customActionRunner: renderCustomActionRunner(),
    headNodeScripts: [c1.headNodeScript ?? '', c2.headNodeScript ?? ''],
    computeNodeScripts: [c1.computeNodeScript ?? '', c2.computeNodeScript ?? ''],
  };
}

/** The generators run on one config and one set of deploy-time values (CDK tokens or placeholders). */
export function buildDeploymentArtifacts(config: DeploymentConfig, values: DeploymentValues): DeploymentArtifacts {
  const clusters = clusterArtifacts(config, values);
  if (config.portal.kind === 'openondemand') {
    const oodNode = (nodeIndex: 1 | 2): PortalNodeArtifacts => {
      const env = ondemandEnv(config, values, nodeIndex);
      return { nodeIndex, env, userData: portalUserData(env, values, config, ONDEMAND_LOG_FILE) };
    };
    return { clusters, portalProgram: ondemandProgram(), portalNodes: [oodNode(1), oodNode(2)] };
  }
  const node = (nodeIndex: 1 | 2): PortalNodeArtifacts => {
    const own = clusters[nodeIndex - 1];
    const index = own.plan.azIndex;
    const uri = values.clusterConfigUris?.[index];
    const object = uri !== undefined ? clusterConfigObjects(config)[index] : undefined;
    const configSource = object && uri !== undefined
      ? { configObject: { uri, sha256: object.sha256, placeholders: clusterConfigPlaceholders(config, values, index, object, own.configText) } }
      : own.configText;
    const spec = withClusterCreation(portalBootstrapSpec(config, values, nodeIndex), config, own.plan.name, configSource);
    const env = renderPortalBootstrapEnv(spec);
    return { nodeIndex, env, userData: portalUserData(env, values, config) };
  };
  return { clusters, portalProgram: portalProgram(), portalNodes: [node(1), node(2)], bootstrapSql: bootstrapSqlText() };
}

const ENV_LINE = /^(?:readonly )?([A-Z_][A-Z0-9_]*)="((?:[^"\\]|\\.)*)"$/gms;

/** The value a shell would assign to `name` in a settings block. */
export function envValue(env: string, name: string): string | undefined {
  for (const m of env.matchAll(ENV_LINE)) if (m[1] === name) return (m[2] ?? '').replace(/\\(.)/gs, '$1');
  return undefined;
}

/**
 * Every file generated for a deployment, as `hpc-ha render` shows it and as CloudFormation receives it (the CDK
 * stacks call the same generators with CDK tokens instead of placeholders).
 */
export function renderDeploymentArtifacts(config: DeploymentConfig, values: DeploymentValues): ArtifactFile[] {
  const built = buildDeploymentArtifacts(config, values);
  const files: ArtifactFile[] = [];
  const add = (path: string, description: string, content: string) => files.push({ path, description, content });

  for (const c of built.clusters) {
    add(
      `clusters/${c.configFileName}`,
      `ParallelCluster ${config.clusters.parallelclusterVersion} config of ${c.plan.name} (${c.plan.availabilityZone})${
        config.clusters.provisioner === 'cloudformation' ? ', the ClusterConfiguration of its Custom::PclusterCluster' : ', created by portal node ' + (c.plan.azIndex + 1)
      }`,
      c.configText,
    );
    if (c.headNodeScript) {
      add(`clusters/${c.plan.id}-head-node.sh`, `Head-node script of ${c.plan.name}, run by the custom-action runner at configure and after every update (S3 asset)`, c.headNodeScript);
    }
    if (c.computeNodeScript) add(`clusters/${c.plan.id}-compute-node.sh`, `OnNodeConfigured script of ${c.plan.name}'s compute nodes (S3 asset)`, c.computeNodeScript);
    if (c.postInstallScript) {
      add(`clusters/${c.plan.id}-post-install.sh`, `post_install script of every ${c.plan.name} node: accounts, munge key from its secret, publication on EFS (S3 asset)`, c.postInstallScript);
    }
  }

  if (!isLegacyParallelCluster(config)) {
    add('clusters/custom-action-runner.sh', "The head nodes' OnNodeConfigured and OnNodeUpdated: runs the script an SSM parameter names (S3 asset)", renderCustomActionRunner());
  }
  const product = config.portal.kind === 'openondemand' ? 'Open OnDemand' : 'EnginFrame';
  add('portal/bootstrap-program.sh', `Static portal bootstrap program, run by both ${product} nodes (S3 asset)`, built.portalProgram);
  for (const n of built.portalNodes) {
    add(`portal/node${n.nodeIndex}/user-data.sh`, `EC2 user data of ${product} node ${n.nodeIndex}: its settings and the program loader`, n.userData);
  }
  if (config.portal.kind === 'openondemand') {
    for (const n of built.portalNodes) {
      const yml = envValue(n.env, 'HPC_HA_OOD_PORTAL_YML');
      if (yml) add(`portal/node${n.nodeIndex}/ood_portal.yml`, `Open OnDemand ood_portal.yml of node ${n.nodeIndex} (secrets filled in on the node)`, yml);
    }
    const first = built.portalNodes[0].env;
    const branding = envValue(first, 'HPC_HA_OOD_BRANDING_YML');
    if (branding) add('portal/ondemand.d/hpc-ha.yml', 'Open OnDemand dashboard branding', branding);
    for (const plan of built.clusters.map((c) => c.plan)) {
      const file = envValue(first, `HPC_HA_OOD_CLUSTER_${plan.name.toUpperCase().replace(/-/g, '_')}`);
      if (file) add(`portal/clusters.d/${plan.name}.yml`, `Open OnDemand cluster ${plan.name} (written on the node once the cluster publishes)`, file);
    }
    return files;
  }
  const first = built.portalNodes[0].env;
  const extracted: [string, string, string][] = [
    ['HPC_HA_EFINSTALL_CONFIG', 'portal/efinstall.config', 'EnginFrame unattended-install answers (node 1 installs; the DB password is added on the node)'],
    ['HPC_HA_EF_SLURM_CONF', 'portal/ef.slurm.conf', "EnginFrame Slurm plug-in: both clusters, each with its client config"],
    ['HPC_HA_SERVER_CONF_SETTINGS', 'portal/server.conf.settings', 'Managed block of EnginFrame server.conf'],
    ['HPC_HA_AGENT_CONF_SETTINGS', 'portal/agent.conf.settings', 'Managed block of EnginFrame agent.conf'],
    ['HPC_HA_ENGINFRAME_CONF_SETTINGS', 'portal/enginframe.conf.settings', 'Managed block of enginframe.conf'],
    ['HPC_HA_SSSD_CONF', 'portal/sssd.conf', 'sssd.conf of both portal nodes (the bind password is added on the node, from Secrets Manager, in a root-only snippet)'],
  ];
  for (const [name, path, description] of extracted) {
    const value = envValue(first, name);
    if (value) add(path, description, value.endsWith('\n') ? value : `${value}\n`);
  }
  if (built.bootstrapSql) add('database/bootstrap.sql', 'Statements the db-bootstrap custom resource runs on Aurora', built.bootstrapSql);
  return files;
}
