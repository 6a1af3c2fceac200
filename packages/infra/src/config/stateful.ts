/**
 * Resource types that hold data or identity a deployment cannot lose: every type CloudFormation's resource
 * specification marks stateful (@aws-cdk/aws-service-spec `isStateful`; the CLI's update-check test keeps this
 * list complete), plus those hpc-ha treats the same because replacing them breaks users: the managed directory
 * (accounts, passwords, the domain's SID) and the portal's certificate. The NagPack rule
 * HpcHa-StatefulRemovalPolicy and `hpc-ha update-check` both read this list.
 */
export const STATEFUL_RESOURCE_TYPES: readonly string[] = [
  'AWS::Backup::BackupVault',
  'AWS::Cognito::UserPool',
  'AWS::DocDB::DBCluster',
  'AWS::DocDB::DBInstance',
  'AWS::DynamoDB::GlobalTable',
  'AWS::DynamoDB::Table',
  'AWS::EC2::Volume',
  'AWS::EFS::FileSystem',
  'AWS::EMR::Cluster',
  'AWS::ElastiCache::CacheCluster',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::Elasticsearch::Domain',
  'AWS::FSx::FileSystem',
  'AWS::KMS::Key',
  'AWS::Kinesis::Stream',
  'AWS::Logs::LogGroup',
  'AWS::Neptune::DBCluster',
  'AWS::Neptune::DBInstance',
  'AWS::OpenSearchService::Domain',
  'AWS::Organizations::Account',
  'AWS::QLDB::Ledger',
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::Redshift::Cluster',
  'AWS::S3::Bucket',
  'AWS::SDB::Domain',
  'AWS::SQS::Queue',
  'AWS::SecretsManager::Secret',
  // hpc-ha's own additions.
  'AWS::DirectoryService::MicrosoftAD',
  'AWS::DirectoryService::SimpleAD',
  'AWS::CertificateManager::Certificate',
];

/** Types whose DeletionPolicy may be Snapshot (CloudFormation User Guide, "DeletionPolicy attribute"). */
export const SNAPSHOT_RESOURCE_TYPES: readonly string[] = [
  'AWS::EC2::Volume',
  'AWS::ElastiCache::CacheCluster',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::Neptune::DBCluster',
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::Redshift::Cluster',
  'AWS::DocDB::DBCluster',
];

/**
 * Types the specification marks stateful that hpc-ha does not, with the reason. A nested stack holds no data of
 * its own (ParallelCluster's provider stack holds a Lambda function and roles); its resources are checked in its
 * own template.
 */
export const NOT_STATEFUL_HERE: Readonly<Record<string, string>> = {
  'AWS::CloudFormation::Stack': 'a nested stack holds no data of its own; its resources are checked in its own template',
};
