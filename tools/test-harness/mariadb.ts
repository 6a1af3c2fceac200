import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onFreePort, startServer } from './process.js';

/** A throw-away MariaDB server on 127.0.0.1, reachable over TCP as `root` with `password`. */
export interface MariaDbServer {
  host: string;
  port: number;
  user: 'root';
  password: string;
  stop(): Promise<void>;
}

const SEARCH_DIRS = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', '/usr/libexec'];
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

function findBinary(names: readonly string[]): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(':').filter(Boolean), ...SEARCH_DIRS];
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

interface Binaries {
  server: string;
  installDb: string;
  client: string;
}

function binaries(): Binaries | undefined {
  const server = findBinary(['mariadbd', 'mysqld']);
  const installDb = findBinary(['mariadb-install-db', 'mysql_install_db']);
  const client = findBinary(['mariadb', 'mysql']);
  return server && installDb && client ? { server, installDb, client } : undefined;
}

/** False when the MariaDB server, its datadir initialiser or its client is not installed. */
export function mariaDbAvailable(): boolean {
  return binaries() !== undefined;
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs SQL as root over the unix socket; the SQL goes through stdin so no secret is on a command line. */
function rootSql(bins: Binaries, socket: string, sql: string, password?: string): { ok: boolean; output: string } {
  const args = ['--no-defaults', `--socket=${socket}`, '--user=root', '--batch', '--connect-timeout=5'];
  const env = { ...process.env };
  // MYSQL_PWD keeps the password off the command line.
  if (password !== undefined) env['MYSQL_PWD'] = password;
  else delete env['MYSQL_PWD'];
  const result = spawnSync(bins.client, args, { input: sql, encoding: 'utf8', env, timeout: 10_000 });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

async function startOnce(bins: Binaries, port: number): Promise<MariaDbServer> {
  const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-mariadb-'));
  const dataDir = join(dir, 'data');
  const socket = join(dir, 'mysqld.sock');
  const errorLog = join(dir, 'error.log');
  // A private tmpdir: servers bootstrapped at the same time (two packages' tests) must not share /tmp temp tables.
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });

  const install = spawnSync(
    bins.installDb,
    [
      '--no-defaults',
      ...(isRoot ? ['--user=root'] : []),
      `--datadir=${dataDir}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
    ],
    { encoding: 'utf8', timeout: 60_000, env: { ...process.env, TMPDIR: tmp } },
  );
  if (install.status !== 0) {
    cleanup();
    throw new Error(`mariadb-install-db failed (status ${install.status}):\n${install.stdout}${install.stderr}`);
  }

  const { stop } = await startServer({
    command: bins.server,
    args: [
      '--no-defaults',
      ...(isRoot ? ['--user=root'] : []),
      `--datadir=${dataDir}`,
      '--bind-address=127.0.0.1',
      `--port=${port}`,
      `--socket=${socket}`,
      `--pid-file=${join(dir, 'mysqld.pid')}`,
      `--log-error=${errorLog}`,
      `--tmpdir=${tmp}`,
      '--skip-name-resolve',
      '--skip-log-bin',
      '--innodb-buffer-pool-size=32M',
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_unicode_ci',
    ],
    ready: () => existsSync(socket) && rootSql(bins, socket, 'SELECT 1;').ok,
    timeoutMs: START_TIMEOUT_MS,
    graceMs: STOP_TIMEOUT_MS,
    logFile: errorLog,
    notReady: `MariaDB did not become ready on port ${port}`,
    addressInUse: /address already in use|Do you already have another/i,
    cleanup,
  });

  const password = `Root-${randomBytes(12).toString('hex')}`;
  // --skip-name-resolve: TCP clients match IP host entries only, so root needs a 127.0.0.1 account.
  const setup = [
    "DELETE FROM mysql.global_priv WHERE User = '';",
    'FLUSH PRIVILEGES;',
    `CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '${password}';`,
    `ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '${password}';`,
    "GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;",
    `ALTER USER 'root'@'localhost' IDENTIFIED BY '${password}';`,
    'FLUSH PRIVILEGES;',
  ].join('\n');
  const result = rootSql(bins, socket, setup);
  if (!result.ok) {
    await stop();
    throw new Error(`MariaDB root setup failed:\n${result.output}`);
  }
  return { host: '127.0.0.1', port, user: 'root', password, stop };
}

/**
 * Starts MariaDB in a fresh temporary datadir on 127.0.0.1 (the given port, or a free one), sets a
 * random root password and waits (bounded) until it answers. `stop()` shuts it down and removes the dir.
 */
export async function startMariaDb(opts: { port?: number } = {}): Promise<MariaDbServer> {
  const bins = binaries();
  if (!bins) throw new Error('MariaDB is not installed (need mariadbd, mariadb-install-db and the mariadb client)');
  return onFreePort((port) => startOnce(bins, port), { port: opts.port });
}
