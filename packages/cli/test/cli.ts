import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const BIN = `${PACKAGE_ROOT}dist/bin.js`;
export const EXAMPLES = `${REPO_ROOT}examples`;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  /** Written to stdin, which is then closed; stdin is never a terminal here. */
  input?: string;
  /** Added to a clean environment (no AWS_* or colour variables from the test runner). */
  env?: Record<string, string | undefined>;
  nodeArgs?: string[];
  timeoutMs?: number;
  /** Run as this user (and its group): as root, permission checks pass whatever the mode bits say. */
  uid?: number;
}

/** Environment for a child that must not find real AWS credentials or config on this machine. */
export const NO_AWS = {
  AWS_CONFIG_FILE: '/nonexistent/hpc-ha-test/config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/hpc-ha-test/credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
};

/** The environment of a child `hpc-ha`: the runner's, minus AWS, colour and vitest variables, plus `extra` (undefined deletes). */
export function cleanEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('AWS_') || k === 'NO_COLOR' || k === 'FORCE_COLOR' || k === 'HPC_HA_CONFIG' || k.startsWith('VITEST') || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  Object.assign(env, NO_AWS);
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Runs the built `hpc-ha` binary as a child process, the way a user or a CI job does. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
      cwd: options.cwd ?? PACKAGE_ROOT,
      env: cleanEnv(options.env ?? {}),
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hpc-ha ${args.join(' ')} did not finish in ${options.timeoutMs ?? 20_000} ms\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Environment that points the AWS SDK at a moto_server with throw-away credentials. */
export function motoEnv(endpoint: string, region = 'cn-north-1'): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: region,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}
