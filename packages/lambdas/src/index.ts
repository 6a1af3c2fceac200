export { HANDLER_FUNCTIONS, HANDLER_NAMES, handlerBundleDir, type HandlerName } from './bundles.js';
// The munge-key handler's generator, for tests that run real munged with a key made the way a deployment makes it.
export { mungeKeyProblem, newMungeKey } from './munge-key/key.js';
export {
  CERT_ATTRIBUTES,
  CERT_DEFAULTS,
  CERT_KEY_ALGORITHMS,
  CERT_PROPERTIES,
  CERT_RENEWAL_DEFAULTS,
  CERT_RENEWAL_FUNCTION,
  CERT_RENEWAL_KEYS,
  CLUSTER_TEARDOWN_ATTRIBUTES,
  CLUSTER_TEARDOWN_DEFAULTS,
  CLUSTER_TEARDOWN_PROPERTIES,
  DB_BOOTSTRAP_ATTRIBUTES,
  DB_BOOTSTRAP_DEFAULTS,
  DB_BOOTSTRAP_ENVIRONMENT,
  DB_BOOTSTRAP_PROPERTIES,
  DB_TLS_MODES,
  MUNGE_KEY_ACCEPTED_BYTES,
  MUNGE_KEY_ATTRIBUTES,
  MUNGE_KEY_BYTES,
  MUNGE_KEY_PROPERTIES,
  type CertKeyAlgorithm,
  type CertRenewalInput,
  type CertRenewalResult,
  type CertResourceProperties,
  type ClusterTeardownProperties,
  type DbBootstrapProperties,
  type DbTlsMode,
  type MungeKeyProperties,
} from './properties.js';
export { SLURM_ACCOUNTING_ATTRIBUTES, SLURM_ACCOUNTING_PROPERTIES, SLURM_ACCOUNTING_RESOURCE_TYPE } from './accounting-properties.js';
// The SQL db-bootstrap runs for a cluster's accounting database, for tests that give a real slurmdbd the same user.
export { slurmAccountingSql, type SlurmAccountingSqlOptions } from './db-bootstrap/accounting-sql.js';
export { RESERVED_TAG_PREFIXES, TAG_RULE, tagProblems, type TagProblem } from './tag-rule.js';
