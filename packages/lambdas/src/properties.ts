/**
 * The resource properties infra passes to each custom resource and the attributes each returns.
 * CloudFormation delivers every scalar as a string; the handlers accept both forms.
 * This file has no runtime dependencies so infra can import it without loading any handler.
 */

/** Key algorithms the certificate handler can create (ACM's names for them). */
export const CERT_KEY_ALGORITHMS = ['EC_prime256v1', 'RSA_2048'] as const;
export type CertKeyAlgorithm = (typeof CERT_KEY_ALGORITHMS)[number];

/** Property keys of `Custom::SelfSignedCertificate` (the `cert` handler). */
export const CERT_PROPERTIES = {
  domainName: 'DomainName',
  keyAlgorithm: 'KeyAlgorithm',
  validityDays: 'ValidityDays',
  tags: 'Tags',
  deleteWaitSeconds: 'DeleteWaitSeconds',
} as const;

export const CERT_DEFAULTS = {
  keyAlgorithm: 'EC_prime256v1' as CertKeyAlgorithm,
  /** The CA/Browser Forum's longest allowed TLS validity; browsers warn on longer ones. */
  validityDays: 397,
  /** How long Delete waits for the load balancer to let go of the certificate. */
  deleteWaitSeconds: 1500,
} as const;

export interface CertResourceProperties {
  /** The ALB's DNS name: the certificate's subject CN (when ≤ 64 characters) and its only SAN. */
  DomainName: string;
  /** Default `EC_prime256v1` (ECDSA P-256). */
  KeyAlgorithm?: CertKeyAlgorithm;
  /** Default 397 (1..3650). A change issues a new certificate. */
  ValidityDays?: number;
  /** ACM tags; a change is applied in place, without a new certificate. */
  Tags?: { Key: string; Value: string }[];
  /** Upper bound of the in-use wait on Delete, seconds (60..3600, default 1500). */
  DeleteWaitSeconds?: number;
}

/** `Fn::GetAtt` attributes of the certificate resource. */
export const CERT_ATTRIBUTES = { certificateArn: 'CertificateArn' } as const;

/**
 * What the scheduled renewal (`renew` in the cert bundle) receives as its event: a rule's constant input. It re-issues
 * the certificate into the same ARN (ACM re-import), so the listener keeps using it without a stack update.
 */
export interface CertRenewalInput {
  /** The certificate to renew: the `CertificateArn` attribute of the certificate resource. */
  CertificateArn: string;
  /** The name the certificate is for (the ALB's DNS name), as given to the certificate resource. */
  DomainName: string;
  /** Validity of the re-issued certificate, days (1..3650; default 397). */
  ValidityDays?: number;
  /** Renew when fewer days than this are left (1..365; default 30). */
  RenewDaysBefore?: number;
}

export const CERT_RENEWAL_KEYS = {
  certificateArn: 'CertificateArn',
  domainName: 'DomainName',
  validityDays: 'ValidityDays',
  renewDaysBefore: 'RenewDaysBefore',
} as const;

export const CERT_RENEWAL_DEFAULTS = {
  /** A daily check with 30 days' notice leaves room for a month of failed runs before browsers see it expire. */
  renewDaysBefore: 30,
  checkEveryHours: 24,
} as const;

/** The renewal's Lambda `handler` string; its code is the `cert` bundle (`handlerBundleDir('cert')`). */
export const CERT_RENEWAL_FUNCTION = 'index.renew';

/** What `renew` answers (also in its log): whether it re-issued, and the certificate's expiry afterwards. */
export interface CertRenewalResult {
  renewed: boolean;
  certificateArn: string;
  notAfter: string;
  daysLeft: number;
}

/** TLS modes of the database connection. `disabled` exists for local tests against a plain server. */
export const DB_TLS_MODES = ['required', 'disabled'] as const;
export type DbTlsMode = (typeof DB_TLS_MODES)[number];

/** Property keys of `Custom::EnginFrameDatabase` (the `db-bootstrap` handler). */
export const DB_BOOTSTRAP_PROPERTIES = {
  masterSecretArn: 'MasterSecretArn',
  appUserSecretArn: 'AppUserSecretArn',
  host: 'Host',
  port: 'Port',
  databaseName: 'DatabaseName',
  userHost: 'UserHost',
  tls: 'Tls',
  disposable: 'Disposable',
  maxWaitSeconds: 'MaxWaitSeconds',
  statementTimeoutSeconds: 'StatementTimeoutSeconds',
} as const;

export const DB_BOOTSTRAP_DEFAULTS = {
  databaseName: 'EnginFrameDB',
  userHost: '%',
  port: 3306,
  tls: 'required' as DbTlsMode,
  disposable: false,
  /** Budget for "cluster still starting" retries; the Lambda's remaining time caps it further. */
  maxWaitSeconds: 600,
  /** Longest one SQL statement may run (they take milliseconds unless a lock blocks them). */
  statementTimeoutSeconds: 30,
} as const;

export interface DbBootstrapProperties {
  /** Secret of the Aurora master user: JSON with `username`, `password` (and `host`/`port` when attached). */
  MasterSecretArn: string;
  /** Secret of the EnginFrame user: JSON with `username` and `password`. */
  AppUserSecretArn: string;
  /** Writer (cluster) endpoint; default: the master secret's `host`. */
  Host?: string;
  /** Default: the master secret's `port`, else 3306. */
  Port?: number;
  /** Default `EnginFrameDB`. */
  DatabaseName?: string;
  /** Host part of the user account, default `%`. */
  UserHost?: string;
  /** Default `required`: TLS with the server certificate and host name verified. */
  Tls?: DbTlsMode;
  /** When true, Delete drops the database and the user; otherwise Delete leaves the data alone. */
  Disposable?: boolean;
  /** Upper bound of the wait for the database to accept connections, seconds (5..900, default 600). */
  MaxWaitSeconds?: number;
  /** Longest one SQL statement may run, e.g. while it waits for a lock, seconds (1..300, default 30). */
  StatementTimeoutSeconds?: number;
}

/** `Fn::GetAtt` attributes of the database resource. */
export const DB_BOOTSTRAP_ATTRIBUTES = { databaseName: 'DatabaseName', userName: 'UserName' } as const;

/**
 * Environment the db-bootstrap Lambda needs: since nodejs20.x, Lambda loads the Amazon CA bundle
 * (which includes the RDS certificate authorities) only when this variable points at it.
 */
export const DB_BOOTSTRAP_ENVIRONMENT: Readonly<Record<string, string>> = {
  NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
};

/** Property keys of `Custom::ClusterTeardown` (the `cluster-teardown` handler). */
export const CLUSTER_TEARDOWN_PROPERTIES = {
  clusterNames: 'ClusterNames',
  parallelClusterVersion: 'ParallelClusterVersion',
  maxWaitSeconds: 'MaxWaitSeconds',
} as const;

export const CLUSTER_TEARDOWN_DEFAULTS = {
  /** Cluster stacks take 10-20 minutes to delete; the Provider framework allows at most one hour. */
  maxWaitSeconds: 3300,
} as const;

export interface ClusterTeardownProperties {
  /** ParallelCluster cluster names, e.g. `['cluster1', 'cluster2']`. */
  ClusterNames: string[];
  /** e.g. `3.13.0` (stack name = cluster name) or `2.11.9` (stack name = `parallelcluster-<name>`). */
  ParallelClusterVersion: string;
  /** Upper bound of the wait for the stacks to be deleted, seconds (60..3600, default 3300). */
  MaxWaitSeconds?: number;
}

/** `Fn::GetAtt` attributes of the teardown resource. */
export const CLUSTER_TEARDOWN_ATTRIBUTES = { clusterNames: 'ClusterNames', stackNames: 'StackNames' } as const;

/** Property keys of `Custom::MungeKey` (the `munge-key` handler). */
export const MUNGE_KEY_PROPERTIES = {
  secretArn: 'SecretArn',
  rotationToken: 'RotationToken',
} as const;

/** Size of the key the handler writes: the largest munge accepts (8192 bits). */
export const MUNGE_KEY_BYTES = 1024;

/**
 * Decoded sizes munge (`mungekey -b 256..8192`) and ParallelCluster's MungeKeySecretArn validator accept.
 * A secret already holding such a key is left alone, whoever wrote it.
 */
export const MUNGE_KEY_ACCEPTED_BYTES = { min: 32, max: 1024 } as const;

export interface MungeKeyProperties {
  /** The secret to fill: ARN (or name) of a secret created without a value. The physical id is its ARN. */
  SecretArn: string;
  /**
   * Any string; changing it on an Update writes a new key (an operator's rotation). Without a change, Create
   * and Update keep a valid key that is already there. Rotating cuts running clusters off from the portal
   * until every node has the new key: stop the compute fleets first.
   */
  RotationToken?: string;
}

/** `Fn::GetAtt` attributes of the munge key resource: depend on this, not on the secret, to see the key written. */
export const MUNGE_KEY_ATTRIBUTES = { secretArn: 'SecretArn' } as const;
