/**
 * `Custom::SlurmAccountingDatabase` (see accounting-properties.ts), served by the db-bootstrap function: one cluster's
 * accounting database and its slurmdbd user, password from the cluster's own secret.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Connection } from 'mysql2/promise';
import { SLURM_ACCOUNTING_ATTRIBUTES, SLURM_ACCOUNTING_PROPERTIES as K } from '../accounting-properties.js';
import { DB_BOOTSTRAP_DEFAULTS, DB_TLS_MODES, type DbTlsMode } from '../properties.js';
import { Deadline } from '../runtime/deadline.js';
import type { HandlerContext } from '../runtime/handler.js';
import { PropertyErrors } from '../runtime/props.js';
import type { OnEventRequest, OnEventResponse } from '../runtime/provider.js';
import { dropSlurmAccountingSql, slurmAccountingSql, type SlurmAccountingSqlOptions } from './accounting-sql.js';
import { connectOnce, connectWithRetry, type ConnectTarget } from './connect.js';
import { readPlainSecret } from './plain-secret.js';
import { readDbSecret } from './secrets.js';
import { runStatements, type Statement } from './statements.js';

const secrets = new SecretsManagerClient({});
const DELETE_CONNECT_BUDGET_MS = 60_000;
const HOST = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

interface AccountingProps extends SlurmAccountingSqlOptions {
  masterSecretArn: string;
  passwordSecretArn: string;
  host: string | undefined;
  port: number | undefined;
  userHost: string;
  tls: DbTlsMode;
  disposable: boolean;
  maxWaitSeconds: number;
  statementTimeoutSeconds: number;
}

function parseProps(raw: Readonly<Record<string, unknown>> | undefined): AccountingProps {
  const p = new PropertyErrors(raw ?? {});
  const masterSecretArn = p.requiredString(K.masterSecretArn);
  const passwordSecretArn = p.requiredString(K.passwordSecretArn);
  const user = p.requiredString(K.userName);
  const database = p.requiredString(K.databaseName);
  const host = p.string(K.host);
  if (host !== undefined && !HOST.test(host)) p.add(K.host, `"${host}" is not a host name or IPv4 address`);
  const portGiven = raw?.[K.port] !== undefined && raw?.[K.port] !== '';
  const port = p.integer(K.port, DB_BOOTSTRAP_DEFAULTS.port, 1, 65535);
  const props: AccountingProps = {
    masterSecretArn,
    passwordSecretArn,
    user,
    database,
    host,
    port: portGiven ? port : undefined,
    userHost: p.string(K.userHost) ?? DB_BOOTSTRAP_DEFAULTS.userHost,
    tls: p.oneOf(K.tls, DB_TLS_MODES, DB_BOOTSTRAP_DEFAULTS.tls),
    disposable: p.boolean(K.disposable, DB_BOOTSTRAP_DEFAULTS.disposable),
    maxWaitSeconds: p.integer(K.maxWaitSeconds, DB_BOOTSTRAP_DEFAULTS.maxWaitSeconds, 5, 900),
    statementTimeoutSeconds: p.integer(K.statementTimeoutSeconds, DB_BOOTSTRAP_DEFAULTS.statementTimeoutSeconds, 1, 300),
  };
  p.check('Slurm accounting database');
  return props;
}

async function masterTarget(props: AccountingProps, ctx: HandlerContext): Promise<ConnectTarget> {
  const master = await readDbSecret(secrets, props.masterSecretArn, ctx);
  const host = props.host ?? master.host;
  if (!host) throw new Error('No database host: set the Host property or attach the master secret to the cluster (its "host" key)');
  if (master.username === props.user) throw new Error(`UserName "${props.user}" is the master user; slurmdbd needs its own user`);
  return { host, port: props.port ?? master.port ?? 3306, user: master.username, password: master.password, tls: props.tls };
}

async function runOn(target: ConnectTarget, statements: readonly Statement[], props: AccountingProps, ctx: HandlerContext, connectMs: number): Promise<void> {
  const connectDeadline = ctx.deadline.remainingMs() <= connectMs ? ctx.deadline : Deadline.in(connectMs);
  const connection: Connection = await connectWithRetry(target, connectDeadline, ctx.log);
  try {
    await runStatements(connection, statements, {
      statementTimeoutMs: props.statementTimeoutSeconds * 1000,
      deadline: ctx.deadline,
      log: ctx.log,
      openSide: (timeoutMs) => connectOnce(target, timeoutMs),
    });
  } finally {
    await connection.end().catch(() => connection.destroy());
  }
}

/**
 * Create/Update: the database and user, idempotently, with the password the cluster's secret holds now. Delete:
 * leaves the records alone unless the deployment is disposable. Physical id `mysql://<host>:<port>/<database>`.
 */
export async function onSlurmAccountingEvent(event: OnEventRequest, ctx: HandlerContext): Promise<OnEventResponse> {
  if (event.RequestType === 'Delete') return onDelete(event, ctx);
  const props = parseProps(event.ResourceProperties);
  const target = await masterTarget(props, ctx);
  const password = await readPlainSecret(secrets, props.passwordSecretArn, ctx);
  await runOn(target, slurmAccountingSql(props, password), props, ctx, props.maxWaitSeconds * 1000);
  ctx.log.info('Slurm accounting database and user ready', { database: props.database, user: props.user });
  return {
    PhysicalResourceId: `mysql://${target.host}:${target.port}/${props.database}`,
    Data: { [SLURM_ACCOUNTING_ATTRIBUTES.databaseName]: props.database, [SLURM_ACCOUNTING_ATTRIBUTES.userName]: props.user },
  };
}

async function onDelete(event: Extract<OnEventRequest, { RequestType: 'Delete' }>, ctx: HandlerContext): Promise<OnEventResponse> {
  const answer = { PhysicalResourceId: event.PhysicalResourceId };
  let props: AccountingProps;
  try {
    props = parseProps(event.ResourceProperties);
  } catch (error) {
    ctx.log.warn('properties unreadable on Delete; leaving the accounting database alone', { error });
    return answer;
  }
  if (!props.disposable || !event.PhysicalResourceId.startsWith('mysql://')) {
    ctx.log.info('Delete leaves the accounting database and user in place', { database: props.database, disposable: props.disposable });
    return answer;
  }
  try {
    await runOn(await masterTarget(props, ctx), dropSlurmAccountingSql(props), props, ctx, DELETE_CONNECT_BUDGET_MS);
    ctx.log.info('disposable deployment: accounting database and user dropped', { database: props.database, user: props.user });
  } catch (error) {
    ctx.log.warn('could not drop the accounting database; leaving it to the cluster deletion', { error });
  }
  return answer;
}
