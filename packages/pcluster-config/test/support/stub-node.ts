/**
 * A fake node for running the generated scripts: stub commands on PATH that keep their state (passwd, group, a
 * call log) in a temp dir, and a root directory standing in for `/` (the scripts honour HPC_HA_ROOT).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const IMDS_TOKEN = 'AQAEAFakeImdsSessionToken==';

const STUBS: Record<string, string> = {
  getent: `db="$1"; key="$2"; file="$STUB_STATE/$db"
[[ -f "$file" ]] || exit 2
while IFS= read -r line; do
  IFS=: read -r name _ id _ <<<"$line"
  if [[ "$name" == "$key" || "$id" == "$key" ]]; then printf '%s\\n' "$line"; exit 0; fi
done <"$file"
exit 2`,
  groupadd: `[[ -z "\${STUB_GROUPADD_FAIL:-}" ]] || { echo "groupadd: cannot lock /etc/group" >&2; exit 10; }
printf '%s:x:%s:\\n' "$3" "$2" >>"$STUB_STATE/group"`,
  useradd: `[[ -z "\${STUB_USERADD_FAIL:-}" ]] || { echo "useradd: cannot lock /etc/passwd" >&2; exit 1; }
printf '%s:x:%s:%s::/home/%s:%s\\n' "$8" "$2" "$4" "$8" "$6" >>"$STUB_STATE/passwd"`,
  scontrol: `[[ "$*" == "show config" ]] || { echo "unexpected scontrol $*" >&2; exit 2; }
[[ -z "\${STUB_SCONTROL_FAIL:-}" ]] || { echo "slurm_load_ctl_conf error: Unable to contact slurm controller" >&2; exit 1; }
cat <<CONF
Configuration data as of 2025-11-17T10:00:00
AuthType                = auth/munge
ClusterName             = \${STUB_CLUSTER_NAME:-hpcha-cluster1}
PrivateData             = \${STUB_PRIVATE_DATA:-none}
SlurmUser               = slurm(401)
SlurmctldHost[0]        = ip-10-0-1-23(10.0.1.23)
SlurmctldPort           = 6820-6829
SLURM_VERSION           = 24.11.6
CONF
if [[ -n "\${STUB_ACCOUNTING_HOST:-}" ]]; then
  printf 'AccountingStorageHost   = %s\nAccountingStoragePort   = 6819\nAccountingStorageType   = accounting_storage/slurmdbd\n' "$STUB_ACCOUNTING_HOST"
else
  echo 'AccountingStorageType   = accounting_storage/none'
fi`,
  curl: `if [[ " $* " == *" -X PUT "* ]]; then
  [[ -z "\${STUB_IMDS_FAIL:-}" ]] || exit 22
  printf '%s' '${IMDS_TOKEN}'; exit 0
fi
header="$(cat)"
[[ "$header" == "X-aws-ec2-metadata-token: ${IMDS_TOKEN}" ]] || { echo "curl: (22) 401 Unauthorized" >&2; exit 22; }
[[ "$*" == *"/latest/meta-data/local-ipv4" ]] || exit 22
printf '%s' "\${STUB_IP:-10.0.1.23}"`,
  // Secrets Manager as the AWS CLI shows it: the SecretString on stdout, read from the state dir (never an argument).
  aws: `[[ "$1 $2" == "secretsmanager get-secret-value" ]] || { echo "unexpected aws $*" >&2; exit 2; }
[[ " $* " == *" --query SecretString --output text "* ]] || { echo "aws stub: query SecretString as text" >&2; exit 2; }
[[ -z "\${STUB_SECRET_FAIL:-}" ]] || { echo "An error occurred (AccessDeniedException) when calling the GetSecretValue operation" >&2; exit 254; }
cat "$STUB_STATE/secret-string"`,
  chown: '[[ -z "${STUB_CHOWN_FAIL:-}" ]] || exit 1',
  systemctl: 'exit 0',
  mountpoint: 'exit "${STUB_MOUNTPOINT_RC:-0}"',
  sleep: 'exit 0',
  hostname: 'echo ip-10-0-1-23',
  uname: '[[ "$*" == -m ]] && echo x86_64',
  // The real sshd checks the config the head-node script writes (openssh-server from apt, see .ci/run).
  sshd: 'exec /usr/sbin/sshd "$@"',
  mv: `for last; do :; done
if [[ -n "\${STUB_MV_FAIL_ON:-}" && "$last" == *"$STUB_MV_FAIL_ON" ]]; then echo "mv: cannot move: Input/output error" >&2; exit 1; fi
exec /bin/mv "$@"`,
};

/** The head node's munge files as the publish step finds them; munged answers --version like munge 0.5.16. */
export const MUNGE_BUILD: Record<string, string> = {
  'usr/sbin/munged': '#!/bin/sh\necho "munge-0.5.16 (2024-07-02)"\n',
  'usr/bin/munge': '#!/bin/sh\necho munge client\n',
  'usr/bin/unmunge': '#!/bin/sh\necho unmunge client\n',
  'usr/lib64/libmunge.so.2': 'libmunge shared object\n',
};

/**
 * The head node's sshd_config as ParallelCluster's directory-service recipe leaves it: Amazon Linux 2023's file with
 * its `PasswordAuthentication` line replaced by `PasswordAuthentication yes`.
 */
export const SSHD_CONFIG_AFTER_DIRECTORY_RECIPE = `# $OpenBSD: sshd_config,v 1.104 2021/07/02 05:11:21 dtucker Exp $
Include /etc/ssh/sshd_config.d/*.conf
#PermitRootLogin prohibit-password
AuthorizedKeysFile .ssh/authorized_keys
PasswordAuthentication yes
KbdInteractiveAuthentication yes
UsePAM yes
X11Forwarding yes
Subsystem sftp /usr/libexec/openssh/sftp-server
`;

export interface StubNode {
  dir: string;
  root: string;
  state: string;
  run(script: string, env?: Record<string, string>, args?: string[]): { status: number; stdout: string; stderr: string };
  calls(): string[];
  passwd(): string[];
  group(): string[];
  dispose(): void;
}

export function stubNode(opts: { efs?: string } = {}): StubNode {
  const dir = mkdtempSync(join(tmpdir(), 'pcluster-config-node-'));
  const bin = join(dir, 'bin');
  const state = join(dir, 'state');
  const root = join(dir, 'root');
  for (const d of [bin, state, root, join(root, 'etc/munge'), join(root, (opts.efs ?? '/efs').replace(/^\//, ''))]) mkdirSync(d, { recursive: true });
  // ParallelCluster's munge build (prefix /usr, libdir /usr/lib64 on Amazon Linux) and the OS it was built for.
  for (const [file, body] of Object.entries(MUNGE_BUILD)) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), body, { mode: 0o755 });
  }
  writeFileSync(join(root, 'etc/os-release'), 'NAME="Amazon Linux"\nVERSION="2023"\nID="amzn"\nID_LIKE="fedora"\nVERSION_ID="2023"\n');
  mkdirSync(join(root, 'etc/ssh'), { recursive: true });
  writeFileSync(join(root, 'etc/ssh/sshd_config'), SSHD_CONFIG_AFTER_DIRECTORY_RECIPE, { mode: 0o600 });
  writeFileSync(join(state, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\nec2-user:x:1000:1000::/home/ec2-user:/bin/bash\n');
  writeFileSync(join(state, 'group'), 'root:x:0:\nec2-user:x:1000:\n');
  for (const [name, body] of Object.entries(STUBS)) {
    const file = join(bin, name);
    writeFileSync(file, `#!/usr/bin/env bash\nprintf '%s %s\\n' ${name} "$*" >>"$STUB_STATE/calls.log"\n${body}\n`);
    chmodSync(file, 0o755);
  }
  const lines = (f: string) => {
    try {
      return readFileSync(join(state, f), 'utf8').split('\n').filter(Boolean);
    } catch {
      return [];
    }
  };
  return {
    dir,
    root,
    state,
    run(script, env = {}, args = []) {
      const file = join(dir, 'script.sh');
      writeFileSync(file, script, { mode: 0o755 });
      const r = spawnSync('bash', [file, ...args], {
        env: { PATH: `${bin}:/usr/bin:/bin`, HPC_HA_ROOT: root, STUB_STATE: state, ...env },
        encoding: 'utf8',
        timeout: 20_000,
      });
      return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    },
    calls: () => lines('calls.log'),
    passwd: () => lines('passwd'),
    group: () => lines('group'),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** shellcheck, or undefined when it is not installed (CI installs it; a missing binary fails there). */
export function shellcheckBinary(): string | undefined {
  const r = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? 'shellcheck' : undefined;
}
