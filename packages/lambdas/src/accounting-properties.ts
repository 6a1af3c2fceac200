/**
 * `Custom::SlurmAccountingDatabase`: one cluster's Slurm accounting database and the MySQL user its slurmdbd connects
 * as. Served by the db-bootstrap handler (the same function as EnginFrame's database, which already holds the master
 * secret and reaches Aurora).
 */
export const SLURM_ACCOUNTING_RESOURCE_TYPE = 'Custom::SlurmAccountingDatabase';

export const SLURM_ACCOUNTING_PROPERTIES = {
  masterSecretArn: 'MasterSecretArn',
  /** ParallelCluster's `Database.PasswordSecretArn`: SecretString is the password itself, as plain text. */
  passwordSecretArn: 'PasswordSecretArn',
  userName: 'UserName',
  databaseName: 'DatabaseName',
  host: 'Host',
  port: 'Port',
  userHost: 'UserHost',
  tls: 'Tls',
  disposable: 'Disposable',
  maxWaitSeconds: 'MaxWaitSeconds',
  statementTimeoutSeconds: 'StatementTimeoutSeconds',
} as const;

/** `Fn::GetAtt` attributes: what the cluster config's Database section names. */
export const SLURM_ACCOUNTING_ATTRIBUTES = { databaseName: 'DatabaseName', userName: 'UserName' } as const;
