import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { bootstrapSql } from '@hpc-ha/enginframe-config';
import type { Connection } from 'mysql2/promise';
import { Deadline } from '../runtime/deadline.js';
import { onEventHandler } from '../runtime/handler.js';
import type { Logger } from '../runtime/log.js';
import type { OnEventRequest, OnEventResponse } from '../runtime/provider.js';
import { SLURM_ACCOUNTING_RESOURCE_TYPE } from '../accounting-properties.js';
import { DB_BOOTSTRAP_ATTRIBUTES } from '../properties.js';
import { onSlurmAccountingEvent } from './accounting.js';
import { connectOnce, connectWithRetry, type ConnectTarget } from './connect.js';
import { parseDbProps, type DbProps } from './props.js';
import { readDbSecret, type DbCredentials } from './secrets.js';
import { runStatements, type Statement } from './statements.js';

// Region, credentials and endpoint (AWS_ENDPOINT_URL) come from the environment when first used.
const secrets = new SecretsManagerClient({});

/** Budget of one invocation without a Lambda context; Lambda's own limit is 15 minutes. */
const INVOCATION_BUDGET_MS = 14 * 60_000;
/** Delete is best effort and must not hold up a stack deletion for long. */
const DELETE_CONNECT_BUDGET_MS = 60_000;

interface Target {
  host: string;
  port: number;
  master: DbCredentials;
  app: DbCredentials;
}

/**
 * Create/Update: creates the EnginFrame database and its user (idempotently, with the latest
 * password from the app-user secret), waiting for a cluster that is still starting.
 * Delete: leaves the data alone, unless the deployment is disposable (then drops both, best effort).
 * Physical id: `mysql://<host>:<port>/<database>`.
 */
export const onEvent = onEventHandler('db-bootstrap', INVOCATION_BUDGET_MS, async (event, ctx) => {
  if (event.ResourceType === SLURM_ACCOUNTING_RESOURCE_TYPE) return onSlurmAccountingEvent(event, ctx);
  const { log, deadline } = ctx;
  if (event.RequestType === 'Delete') return onDelete(event, deadline, log);

  const props = parseDbProps(event.ResourceProperties);
  const target = await resolveTarget(props, deadline, log);
  const statements = bootstrapSql({ database: props.databaseName, user: target.app.username, userHost: props.userHost });
  const connectDeadline = earliest(deadline, Deadline.in(props.maxWaitSeconds * 1000));
  const master = masterTarget(target, props);
  const connection = await connectWithRetry(master, connectDeadline, log);
  try {
    await runAll(
      connection,
      statements.map((st) => ({ sql: st.sql, values: st.params.map(() => target.app.password) })),
      { master, props, deadline, log },
    );
  } finally {
    await closeQuietly(connection);
  }
  log.info('database and user ready', { database: props.databaseName, user: target.app.username, statements: statements.length });
  return {
    PhysicalResourceId: physicalId(target.host, target.port, props.databaseName),
    Data: {
      [DB_BOOTSTRAP_ATTRIBUTES.databaseName]: props.databaseName,
      [DB_BOOTSTRAP_ATTRIBUTES.userName]: target.app.username,
    },
  };
});

function physicalId(host: string, port: number, database: string): string {
  return `mysql://${host}:${port}/${database}`;
}

function earliest(a: Deadline, b: Deadline): Deadline {
  return a.remainingMs() <= b.remainingMs() ? a : b;
}

async function resolveTarget(props: DbProps, deadline: Deadline, log: Logger): Promise<Target> {
  const opts = { deadline, log };
  const master = await readDbSecret(secrets, props.masterSecretArn, opts);
  const app = await readDbSecret(secrets, props.appUserSecretArn, opts);
  const host = props.host ?? master.host;
  if (!host) {
    throw new Error('No database host: set the Host property or attach the master secret to the cluster (its "host" key)');
  }
  if (app.username === master.username) {
    throw new Error(`The app-user secret names the master user "${master.username}"; EnginFrame needs its own user`);
  }
  return { host, port: props.port ?? master.port ?? 3306, master, app };
}

function masterTarget(target: Target, props: DbProps): ConnectTarget {
  return { host: target.host, port: target.port, user: target.master.username, password: target.master.password, tls: props.tls };
}

interface RunContext {
  master: ConnectTarget;
  props: DbProps;
  deadline: Deadline;
  log: Logger;
}

function runAll(connection: Connection, statements: readonly Statement[], ctx: RunContext): Promise<void> {
  return runStatements(connection, statements, {
    statementTimeoutMs: ctx.props.statementTimeoutSeconds * 1000,
    deadline: ctx.deadline,
    log: ctx.log,
    openSide: (timeoutMs) => connectOnce(ctx.master, timeoutMs),
  });
}

async function closeQuietly(connection: Connection): Promise<void> {
  try {
    await connection.end();
  } catch {
    connection.destroy();
  }
}

function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

async function onDelete(event: Extract<OnEventRequest, { RequestType: 'Delete' }>, deadline: Deadline, log: Logger): Promise<OnEventResponse> {
  const physical = event.PhysicalResourceId;
  let props: DbProps;
  try {
    props = parseDbProps(event.ResourceProperties);
  } catch (error) {
    log.warn('properties unreadable on Delete; leaving the database alone', { error });
    return { PhysicalResourceId: physical };
  }
  if (!props.disposable) {
    log.info('Delete leaves the database and user in place (deployment not disposable)', { database: props.databaseName });
    return { PhysicalResourceId: physical };
  }
  if (!physical.startsWith('mysql://')) {
    log.info('nothing to drop: the resource was never created', { physicalResourceId: physical });
    return { PhysicalResourceId: physical };
  }
  // Disposable: the cluster goes away with the stack anyway, so a failure here only logs.
  try {
    const target = await resolveTarget(props, deadline, log);
    const master = masterTarget(target, props);
    const connection = await connectWithRetry(master, earliest(deadline, Deadline.in(DELETE_CONNECT_BUDGET_MS)), log);
    try {
      await runAll(
        connection,
        [
          { sql: `DROP DATABASE IF EXISTS ${quoteIdentifier(props.databaseName)}`, values: [] },
          { sql: 'DROP USER IF EXISTS ?@?', values: [target.app.username, props.userHost] },
        ],
        { master, props, deadline, log },
      );
    } finally {
      await closeQuietly(connection);
    }
    log.info('disposable deployment: database and user dropped', { database: props.databaseName, user: target.app.username });
  } catch (error) {
    log.warn('could not drop the database; leaving it to the cluster deletion', { error });
  }
  return { PhysicalResourceId: physical };
}
