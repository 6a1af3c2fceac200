import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import type { StaticArtifacts } from '../artifacts/index.js';
import { textAsset } from './text-asset.js';

type Pair<T> = readonly [T, T];

export interface ClusterScriptsProps {
  /** The generated scripts: head/compute custom actions for 3.x, the post_install script for 2.x. */
  readonly artifacts: StaticArtifacts;
  /**
   * The munge key secret. ParallelCluster 2.x has no MungeKeySecretArn, so its post_install script reads the
   * secret with the node's own role: the node policy then allows exactly that. Not needed for 3.x (ParallelCluster
   * grants its head node the secret itself).
   */
  readonly mungeKeySecretArn?: string;
}

/**
 * The clusters' custom-action scripts as S3 assets (ParallelCluster takes only `s3://` or `https://` URIs) and the
 * managed policy every cluster node gets to read exactly those objects. The policy sits under the IAM path
 * `/parallelcluster/`, which ParallelCluster's own policies allow it to attach to the roles it creates.
 */
export class ClusterScripts extends Construct {
  readonly headNode?: Pair<Asset>;
  readonly computeNode?: Pair<Asset>;
  /** ParallelCluster 2.x: the post_install script of each cluster, run by its head and compute nodes. */
  readonly postInstall?: Pair<Asset>;
  /** 3.x: the runner every head node gets as OnNodeConfigured and OnNodeUpdated (its text, so its URL, never changes). */
  readonly runner?: Asset;
  /** 3.x: per cluster, the parameter holding the current head-node script's `s3://` URL (updated in place). */
  readonly headNodeScriptParameters?: Pair<StringParameter>;
  readonly nodePolicy?: ManagedPolicy;

  constructor(scope: Construct, id: string, props: ClusterScriptsProps) {
    super(scope, id);
    const { headNodeScripts, computeNodeScripts, postInstallScripts } = props.artifacts;
    const pair = (kind: string, scripts: Pair<string>): Pair<Asset> => [
      textAsset(this, `Cluster1${kind}`, `cluster1-${kind.toLowerCase()}.sh`, scripts[0]),
      textAsset(this, `Cluster2${kind}`, `cluster2-${kind.toLowerCase()}.sh`, scripts[1]),
    ];
    const statements: PolicyStatement[] = [];
    if (postInstallScripts) {
      this.postInstall = pair('PostInstall', postInstallScripts);
      if (props.mungeKeySecretArn !== undefined) {
        statements.push(new PolicyStatement({ sid: 'ReadMungeKey', actions: ['secretsmanager:GetSecretValue'], resources: [props.mungeKeySecretArn] }));
      }
    } else if (headNodeScripts && computeNodeScripts) {
      this.headNode = pair('HeadNode', headNodeScripts);
      this.computeNode = pair('ComputeNode', computeNodeScripts);
      if (props.artifacts.customActionRunner) {
        this.runner = textAsset(this, 'CustomActionRunner', 'custom-action-runner.sh', props.artifacts.customActionRunner);
        const head = this.headNode;
        this.headNodeScriptParameters = [0, 1].map(
          (i) =>
            new StringParameter(this, `Cluster${i + 1}HeadNodeScript`, {
              description: `hpc-ha: s3:// URL of cluster${i + 1}'s current head-node script (read by the custom-action runner)`,
              stringValue: head[i]!.s3ObjectUrl,
            }),
        ) as unknown as Pair<StringParameter>;
        statements.push(
          new PolicyStatement({ sid: 'ReadHeadNodeScriptLocation', actions: ['ssm:GetParameter'], resources: this.headNodeScriptParameters.map((p) => p.parameterArn) }),
        );
      }
    } else {
      return;
    }
    const assets = [...(this.headNode ?? []), ...(this.computeNode ?? []), ...(this.postInstall ?? []), ...(this.runner ? [this.runner] : [])];
    statements.unshift(new PolicyStatement({ actions: ['s3:GetObject'], resources: assets.map((a) => a.bucket.arnForObjects(a.s3ObjectKey)) }));
    this.nodePolicy = new ManagedPolicy(this, 'NodePolicy', {
      path: '/parallelcluster/',
      description: postInstallScripts ? 'hpc-ha cluster nodes: read the post_install scripts and the munge key' : 'hpc-ha cluster nodes: read the custom-action scripts',
      statements,
    });
  }

  /** 3.x: the runner's `s3://` URI, undefined for 2.x. */
  get customActionRunnerUri(): string | undefined {
    return this.runner?.s3ObjectUrl;
  }

  /** 3.x: the names of the head-node script parameters, undefined for 2.x. */
  get headNodeScriptParameterNames(): Pair<string> | undefined {
    const p = this.headNodeScriptParameters;
    return p ? [p[0].parameterName, p[1].parameterName] : undefined;
  }

  /** For 2.x, the post_install script: ParallelCluster 2.x runs the same script on head and compute nodes. */
  get headNodeScriptUris(): Pair<string> {
    return this.uris(this.headNode ?? this.postInstall);
  }

  get computeNodeScriptUris(): Pair<string> {
    return this.uris(this.computeNode ?? this.postInstall);
  }

  private uris(assets: Pair<Asset> | undefined): Pair<string> {
    return assets ? [assets[0].s3ObjectUrl, assets[1].s3ObjectUrl] : ['', ''];
  }
}
