import { CustomResource } from 'aws-cdk-lib';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { DatabaseCluster } from 'aws-cdk-lib/aws-rds';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { SLURM_ACCOUNTING_PROPERTIES as P, SLURM_ACCOUNTING_RESOURCE_TYPE } from '@hpc-ha/lambdas';
import { Construct } from 'constructs';
import { accountingDatabases, type DeploymentConfig } from '../config/index.js';
import { acknowledge } from '../nag.js';
import { statefulRemovalPolicy } from '../stacks/common.js';

export interface SlurmAccountingDatabasesProps {
  readonly config: DeploymentConfig;
  /** The db-bootstrap provider's service token (the function holds the master secret and reaches Aurora). */
  readonly serviceToken: string;
  /** Its role: reads each cluster's password secret to set the user's password. */
  readonly providerRole: IRole;
  readonly masterSecret: ISecret;
  readonly cluster: DatabaseCluster;
}

type Pair<T> = readonly [T, T];

/**
 * Per cluster: a generated password secret in the form ParallelCluster's `Database.PasswordSecretArn` reads (the
 * password as plain text) and a `Custom::SlurmAccountingDatabase` that creates the cluster's database and its user
 * with privileges on that database only. A cluster config names its password secret and the Aurora endpoint, so the
 * Clusters stack (and, with `provisioner: instance`, the portal stack) deploys after this one has finished.
 */
export class SlurmAccountingDatabases extends Construct {
  readonly passwordSecrets: Pair<Secret>;

  constructor(scope: Construct, id: string, props: SlurmAccountingDatabasesProps) {
    super(scope, id);
    const { config } = props;
    const built = accountingDatabases(config).map((db, i) => {
      const n = i + 1;
      const secret = new Secret(this, `Cluster${n}Password`, {
        description: `slurmdbd of ${db.clusterName}: password of MySQL user ${db.userName} (database ${db.databaseName} only)`,
        generateSecretString: {
          passwordLength: 32,
          // slurmdbd.conf carries it unquoted (StoragePass=...) and ParallelCluster's scripts handle it in bash.
          excludePunctuation: true,
        },
        removalPolicy: statefulRemovalPolicy(config),
      });
      secret.grantRead(props.providerRole);
      acknowledge(secret, {
        'AwsSolutions-SMG4':
          "ParallelCluster writes the password into slurmdbd.conf on the head node; a rotation must be followed by its update_slurm_database_password.sh there",
      });
      const resource = new CustomResource(this, `Cluster${n}Database`, {
        serviceToken: props.serviceToken,
        resourceType: SLURM_ACCOUNTING_RESOURCE_TYPE,
        properties: {
          [P.masterSecretArn]: props.masterSecret.secretArn,
          [P.passwordSecretArn]: secret.secretArn,
          [P.userName]: db.userName,
          [P.databaseName]: db.databaseName,
          [P.host]: props.cluster.clusterEndpoint.hostname,
          [P.port]: props.cluster.clusterEndpoint.port,
          [P.disposable]: config.disposable,
        },
      });
      resource.node.addDependency(props.cluster);
      return secret;
    });
    this.passwordSecrets = [built[0]!, built[1]!];
  }
}
