import { PropertyErrors } from '../runtime/props.js';
import { DB_BOOTSTRAP_DEFAULTS, DB_BOOTSTRAP_PROPERTIES as K, DB_TLS_MODES, type DbTlsMode } from '../properties.js';

export interface DbProps {
  masterSecretArn: string;
  appUserSecretArn: string;
  host: string | undefined;
  port: number | undefined;
  databaseName: string;
  userHost: string;
  tls: DbTlsMode;
  disposable: boolean;
  maxWaitSeconds: number;
  statementTimeoutSeconds: number;
}

const SECRET_ID = /^(arn:[a-z0-9-]+:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+|[A-Za-z0-9/_+=.@-]{1,512})$/;
const HOST = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const DATABASE = /^[A-Za-z0-9_]{1,64}$/;

export function parseDbProps(raw: Readonly<Record<string, unknown>> | undefined): DbProps {
  const p = new PropertyErrors(raw ?? {});
  const masterSecretArn = p.requiredString(K.masterSecretArn);
  const appUserSecretArn = p.requiredString(K.appUserSecretArn);
  for (const [key, value] of [
    [K.masterSecretArn, masterSecretArn],
    [K.appUserSecretArn, appUserSecretArn],
  ] as const) {
    if (value && !SECRET_ID.test(value)) p.add(key, 'must be a Secrets Manager secret ARN or name');
  }
  const host = p.string(K.host);
  if (host !== undefined && !HOST.test(host)) p.add(K.host, `"${host}" is not a host name or IPv4 address`);
  const portGiven = raw?.[K.port] !== undefined && raw?.[K.port] !== '';
  const port = p.integer(K.port, DB_BOOTSTRAP_DEFAULTS.port, 1, 65535);
  const databaseName = p.string(K.databaseName) ?? DB_BOOTSTRAP_DEFAULTS.databaseName;
  if (!DATABASE.test(databaseName)) p.add(K.databaseName, `must match ${DATABASE.source}`);
  const userHost = p.string(K.userHost) ?? DB_BOOTSTRAP_DEFAULTS.userHost;
  const tls = p.oneOf(K.tls, DB_TLS_MODES, DB_BOOTSTRAP_DEFAULTS.tls);
  const disposable = p.boolean(K.disposable, DB_BOOTSTRAP_DEFAULTS.disposable);
  const maxWaitSeconds = p.integer(K.maxWaitSeconds, DB_BOOTSTRAP_DEFAULTS.maxWaitSeconds, 5, 900);
  const statementTimeoutSeconds = p.integer(K.statementTimeoutSeconds, DB_BOOTSTRAP_DEFAULTS.statementTimeoutSeconds, 1, 300);
  p.check('database bootstrap');
  return {
    masterSecretArn,
    appUserSecretArn,
    host,
    port: portGiven ? port : undefined,
    databaseName,
    userHost,
    tls,
    disposable,
    maxWaitSeconds,
    statementTimeoutSeconds,
  };
}
