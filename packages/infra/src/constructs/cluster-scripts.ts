import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import type { StaticArtifacts } from '../artifacts/index.js';
import { textAsset } from './text-asset.js';

type Pair<T> = readonly [T, T];

export interface ClusterScriptsProps {
  /** The generated scripts; absent for ParallelCluster 2.x. */
  readonly artifacts: StaticArtifacts;
}

/**
 * The clusters' custom-action scripts as S3 assets (ParallelCluster takes only `s3://` or `https://` URIs) and the
 * managed policy every cluster node gets to read exactly those objects. The policy sits under the IAM path
 * `/parallelcluster/`, which ParallelCluster's own policies allow it to attach to the roles it creates.
 */
export class ClusterScripts extends Construct {
  readonly headNode?: Pair<Asset>;
  readonly computeNode?: Pair<Asset>;
  readonly nodePolicy?: ManagedPolicy;

  constructor(scope: Construct, id: string, props: ClusterScriptsProps) {
    super(scope, id);
    const { headNodeScripts, computeNodeScripts } = props.artifacts;
    if (!headNodeScripts || !computeNodeScripts) return;
    const pair = (kind: string, scripts: Pair<string>): Pair<Asset> => [
      textAsset(this, `Cluster1${kind}`, `cluster1-${kind.toLowerCase()}.sh`, scripts[0]),
      textAsset(this, `Cluster2${kind}`, `cluster2-${kind.toLowerCase()}.sh`, scripts[1]),
    ];
    this.headNode = pair('HeadNode', headNodeScripts);
    this.computeNode = pair('ComputeNode', computeNodeScripts);
    const assets = [...this.headNode, ...this.computeNode];
    this.nodePolicy = new ManagedPolicy(this, 'NodePolicy', {
      path: '/parallelcluster/',
      description: 'hpc-ha cluster nodes: read the custom-action scripts',
      statements: [new PolicyStatement({ actions: ['s3:GetObject'], resources: assets.map((a) => a.bucket.arnForObjects(a.s3ObjectKey)) })],
    });
  }

  get headNodeScriptUris(): Pair<string> {
    return this.headNode ? [this.headNode[0].s3ObjectUrl, this.headNode[1].s3ObjectUrl] : ['', ''];
  }

  get computeNodeScriptUris(): Pair<string> {
    return this.computeNode ? [this.computeNode[0].s3ObjectUrl, this.computeNode[1].s3ObjectUrl] : ['', ''];
  }
}
