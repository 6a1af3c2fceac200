import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { toShellAssignments } from '../../src/index.js';

/**
 * A simulated AWS world for the portal bootstrap: stub commands on PATH (dnf, aws, curl, mount,
 * systemctl, cfn-signal, java, useradd, ...) and, per node, a system root the script writes into
 * (HPC_HA_SYSROOT), with /efs shared between nodes through a symlink. Stubs log every argv to a
 * per-node calls file, so a test can check what ran and that no secret was ever an argument.
 */

const STUB_LOG = `printf '%s' "$(basename "$0")" >>"$STUB_CALLS"; for a in "$@"; do printf ' %s' "$a" >>"$STUB_CALLS"; done; printf '\\n' >>"$STUB_CALLS"`;

const IPTABLES_STUB = `
  f="$STUB_STATE/$(basename "$0").rules"; touch "$f"
  [ "$1" != -w ] || shift 2
  op="$1"; chain="$2"; shift 2
  [ "$op" != -I ] || shift
  case "$op" in
    -C) grep -qxF -- "$chain $*" "$f" ;;
    -I|-A) echo "$chain $*" >>"$f" ;;
    *) echo "iptables stub: $op" >&2; exit 2 ;;
  esac`;

const STUBS: Record<string, string> = {
  // A world without a munge package answers `dnf info munge` as dnf does when no repository has it.
  dnf: `if [ "$1 \${2:-}" = "info munge" ] && [ -f "$STUB_WORLD/no-munge-package" ]; then echo "Error: No matching Packages to list" >&2; exit 1; fi`,
  ldconfig: ``,
  uname: `[ "$*" = -m ] && echo x86_64`,
  authselect: ``,
  sssctl: ``,
  hostname: `echo "$STUB_HOSTNAME"`,
  chown: ``,
  mountpoint: `exit 1`,
  'cfn-signal': ``,
  // --gid/--uid when given, else the next system id; the name is the last argument.
  groupadd: `gid=999; [ "$1" != --gid ] || gid=$2; echo "\${@: -1}:x:$gid:" >>"$STUB_STATE/group"`,
  useradd: `uid=999 gid=999; [ "$1" != --uid ] || { uid=$2; gid=$4; }; echo "\${@: -1}:x:$uid:$gid::/home/\${@: -1}:/bin/bash" >>"$STUB_STATE/passwd"`,
  getent: `
    if [ "$1" = ahostsv4 ]; then
      awk -v h="$2" '$2 == h { print $1 "      STREAM " h }' "$STUB_WORLD/hosts" 2>/dev/null | grep . || exit 2
      exit 0
    fi
    f="$STUB_STATE/$1"; [ -f "$f" ] || exit 2; grep "^$2:" "$f" || exit 2`,
  // The node's packet filter: rules per command in the node's state ("chain spec" lines), restore input kept whole.
  iptables: IPTABLES_STUB,
  ip6tables: IPTABLES_STUB,
  'iptables-restore': `cat >"$STUB_STATE/$(basename "$0").input"`,
  'ip6tables-restore': `cat >"$STUB_STATE/$(basename "$0").input"`,
  chpasswd: `cat >"$STUB_STATE/chpasswd"`,
  systemctl: `
    s="$STUB_STATE/systemd"; mkdir -p "$s"
    unit="\${@: -1}"
    case "$1" in
      is-enabled) [ -f "$s/$unit.enabled" ] ;;
      is-active) [ -f "$s/$unit.active" ] ;;
      start|restart) touch "$s/$unit.active" ;;
      enable) touch "$s/$unit.enabled"; [ "$2" != --now ] || touch "$s/$unit.active" ;;
      daemon-reload|reset-failed) ;;
      *) echo "systemctl stub: $*" >&2; exit 1 ;;
    esac`,
  mount: `
    if [ "$1" = -t ] && [ "$2" = nfs ]; then
      src="$5"; dir="$6"; cp -a "$STUB_WORLD/nfs/\${src%%:*}\${src#*:}/." "$dir/"
    elif [ $# -eq 1 ]; then
      # mount DIR: from fstab; a file system whose server is in $STUB_WORLD/dead fails as Lustre does, slowly.
      d="\${1#"$HPC_HA_SYSROOT"}"; what="$(awk -v d="$d" '$2 == d { print $1 }' "$HPC_HA_SYSROOT/etc/fstab")"
      if [ -e "$STUB_WORLD/dead/\${what%%@*}" ]; then sleep 2; echo "mount.lustre: mount $what at $d failed: Input/output error" >&2; exit 5; fi
    fi`,
  umount: `case "$1" in */run/hpc-ha/*) find "$1" -mindepth 1 -delete ;; esac`,
  curl: `
    out=""; url=""
    while [ $# -gt 0 ]; do case "$1" in -o) out="$2"; shift 2 ;; -H|-X|-w|--connect-timeout|--max-time|--retry|--retry-delay) shift 2 ;; -*) shift ;; *) url="$1"; shift ;; esac; done
    case "$url" in
      https://localhost:*)
        # EnginFrame's own HTTPS port: answers once the service runs, with $STUB_WORLD/ef-http-status (default 302).
        [ -f "$STUB_STATE/systemd/enginframe.active" ] || { printf 000; exit 7; }
        printf '%s' "$(cat "$STUB_WORLD/ef-http-status" 2>/dev/null || echo 302)" ;;
      */latest/api/token) echo "imds-token" ;;
      */meta-data/local-ipv4) echo "$STUB_IP" ;;
      */meta-data/*) echo "i-0123456789abcdef0" ;;
      https://*) p="\${url#https://}"; p="\${p%%\\?*}"; cp "$STUB_WORLD/https/$p" "$out" ;;
      *) exit 7 ;;
    esac`,
  aws: `
    if [ "$1 $2" = "secretsmanager get-secret-value" ]; then
      while [ $# -gt 0 ]; do [ "$1" = --secret-id ] && id="$2"; shift; done
      f="$STUB_WORLD/secrets/$(printf '%s' "$id" | tr -c 'A-Za-z0-9' '_')"
      [ -f "$f" ] || { echo "ResourceNotFoundException" >&2; exit 254; }
      cat "$f"; echo
    elif [ "$1 $2" = "cloudformation signal-resource" ]; then
      :
    elif [ "$1 $2" = "s3 cp" ]; then
      args=(); for a in "$@"; do case "$a" in --only-show-errors) ;; --region) skip=1 ;; *) if [ -n "\${skip:-}" ]; then skip=; else args+=("$a"); fi ;; esac; done
      src="\${args[2]#s3://}"; cp "$STUB_WORLD/s3/$src" "\${args[3]}"
    else
      echo "aws stub: $*" >&2; exit 1
    fi`,
  // The EnginFrame installer: records what it was given and lays out EF_TOP like the real one.
  java: `
    [ "$1" = -jar ] || { echo "java stub: $*" >&2; exit 1; }
    while [ $# -gt 0 ]; do [ "$1" = -f ] && conf="$2"; shift; done
    cp "$conf" "$STUB_WORLD/captured-efinstall.config"
    stat -c %a "$conf" >"$STUB_WORLD/captured-efinstall.mode"
    stat -c %a "$(dirname "$conf")" >"$STUB_WORLD/captured-efinstall.dirmode"
    root="$(sed -n 's/^nice.root.dir.ui = //p' "$conf")"
    top="$HPC_HA_SYSROOT$root/enginframe"
    if [ -f "$STUB_WORLD/installer-fails" ]; then
      # Dies half-way, as an installer does when the disk fills or the database drops: a partial tree stays.
      mkdir -p "$top/$STUB_EF_VERSION/enginframe/WEBAPP"; echo "installer: interrupted" >&2; exit 1
    fi
    mkdir -p "$top/bin" "$top/conf/enginframe" "$top/conf/plugins/slurm" "$top/$STUB_EF_VERSION/enginframe/WEBAPP/WEB-INF/lib"
    cp "$STUB_WORLD/stubs/enginframe" "$top/bin/enginframe"
    chmod +x "$top/bin/enginframe"
    printf 'ef.product=ENT\\nef.db.admin.name=installer-value\\n' >"$top/conf/enginframe/server.conf"
    printf 'ef.output.limit=100000' >"$top/conf/enginframe/agent.conf"
    printf 'JAVA_HOME="/installer/java"\\nSERVER_MAX_HEAP="1g"\\n' >"$top/conf/enginframe.conf"
    printf 'SLURM_BINDIR="/usr/bin"\\n' >"$top/conf/plugins/slurm/ef.slurm.conf"
    mkdir -p "$STUB_STATE/systemd"; touch "$STUB_STATE/systemd/enginframe.enabled"
    echo install >>"$STUB_WORLD/installs"`,
};

/** The files of a head node's munge publication (what the portal installs when dnf has no munge). */
export const MUNGE_BUILD: Record<string, string> = {
  munged: '#!/bin/sh\necho munged from the head node\n',
  munge: '#!/bin/sh\necho munge\n',
  unmunge: '#!/bin/sh\necho unmunge\n',
  'libmunge.so.2': 'libmunge\n',
};

export interface World {
  dir: string;
  efs: string;
  stubBin: string;
  cleanup(): void;
  /** What a head node publishes on EFS for its cluster (CONTRACTS.md). */
  publish(cluster: string, headIp: string, slurmVersion: string): void;
  /** The munge build a head node publishes next to its slurm.conf (publish() does it for Amazon Linux 2023). */
  publishMunge(cluster: string, osId: string, versionId: string): void;
  unpublishMunge(cluster: string): void;
  /** From now on `dnf info munge` finds no package, as on a node whose repositories lack munge. */
  withoutMungePackage(): void;
  s3(key: string, content: string | Buffer): void;
  /** Makes `name` resolve to `ip` (getent ahostsv4). */
  host(name: string, ip: string): void;
  https(path: string, content: string | Buffer): void;
  secret(arn: string, value: string): void;
  installs(): number;
}

export function createWorld(): World {
  const dir = mkdtempSync(join(tmpdir(), 'efcfg-world-'));
  const efs = join(dir, 'efs');
  const stubBin = join(dir, 'stubs', 'bin');
  mkdirSync(efs, { recursive: true });
  mkdirSync(stubBin, { recursive: true });
  for (const [name, body] of Object.entries(STUBS)) {
    const file = join(stubBin, name);
    writeFileSync(file, `#!/usr/bin/env bash\nset -eu\n${STUB_LOG}\n${body}\n`);
    chmodSync(file, 0o755);
  }
  // $EF_TOP/bin/enginframe as the installer leaves it; host-setup registers the boot service.
  const efBin = join(dir, 'stubs', 'enginframe');
  writeFileSync(
    efBin,
    `#!/usr/bin/env bash\nset -eu\n${STUB_LOG}\nif [ "$1" = host-setup ]; then mkdir -p "$STUB_STATE/systemd"; touch "$STUB_STATE/systemd/enginframe.enabled"; fi\n`,
  );
  chmodSync(efBin, 0o755);
  const put = (file: string, content: string | Buffer): void => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  };
  return {
    dir,
    efs,
    stubBin,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
    publish(cluster, headIp, slurmVersion) {
      const pub = join(efs, 'hpc-ha', 'clusters', cluster);
      const host = `ip-${headIp.replace(/\./g, '-')}`;
      put(join(pub, 'slurm.conf'), `# written by the hpc-ha head node of ${cluster}\nClusterName=${cluster}\nSlurmctldHost=${host}(${headIp})\nSlurmctldPort=6820-6829\nAuthType=auth/munge\nCredType=cred/munge\n`);
      this.publishMunge(cluster, 'amzn', '2023');
      put(
        join(pub, 'cluster.env'),
        toShellAssignments({
          HPC_HA_CLUSTER_NAME: cluster,
          HPC_HA_SLURMCTLD_HOST: host,
          HPC_HA_SLURMCTLD_ADDR: headIp,
          HPC_HA_SLURMCTLD_PORT: '6820-6829',
          HPC_HA_SLURM_VERSION: slurmVersion,
          HPC_HA_SLURM_PREFIX: '/opt/slurm',
        }),
      );
      put(join(dir, 'nfs', headIp, 'opt', 'slurm', 'bin', 'sinfo'), `#!/bin/sh\necho sinfo ${slurmVersion}\n`);
      put(join(dir, 'nfs', headIp, 'opt', 'slurm', 'lib', 'libslurm.so'), `lib ${slurmVersion}`);
    },
    publishMunge(cluster, osId, versionId) {
      const pub = join(efs, 'hpc-ha', 'clusters', cluster, 'munge');
      for (const [name, body] of Object.entries(MUNGE_BUILD)) put(join(pub, name), body);
      put(
        join(pub, 'munge.env'),
        toShellAssignments({ HPC_HA_MUNGE_VERSION: 'munge-0.5.16', HPC_HA_MUNGE_OS_ID: osId, HPC_HA_MUNGE_OS_VERSION_ID: versionId, HPC_HA_MUNGE_ARCH: 'x86_64' }),
      );
    },
    unpublishMunge: (cluster) => rmSync(join(efs, 'hpc-ha', 'clusters', cluster, 'munge'), { recursive: true, force: true }),
    withoutMungePackage: () => writeFileSync(join(dir, 'no-munge-package'), ''),
    s3: (key, content) => put(join(dir, 's3', key), content),
    host: (name, ip) => writeFileSync(join(dir, 'hosts'), `${ip} ${name}\n`, { flag: 'a' }),
    https: (path, content) => put(join(dir, 'https', path), content),
    secret: (arn, value) => put(join(dir, 'secrets', arn.replace(/[^A-Za-z0-9]/g, '_')), value),
    installs: () => (existsSync(join(dir, 'installs')) ? readFileSync(join(dir, 'installs'), 'utf8').trim().split('\n').length : 0),
  };
}

export interface SimNode {
  root: string;
  state: string;
  callsFile: string;
  /** Runs the script in this node's root; returns exit status and this run's new calls. */
  run(script: string, args?: string[]): { status: number; calls: string[]; stderr: string };
  calls(): string[];
  log(): string;
  file(path: string): string;
  exists(path: string): boolean;
}

export function createNode(world: World, name: string, ip: string, efVersion: string): SimNode {
  const root = join(world.dir, 'nodes', name);
  const state = join(world.dir, 'state', name);
  mkdirSync(root, { recursive: true });
  mkdirSync(state, { recursive: true });
  if (!existsSync(join(root, 'efs'))) symlinkSync(world.efs, join(root, 'efs'));
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc/os-release'), 'NAME="Amazon Linux"\nVERSION="2023"\nID="amzn"\nVERSION_ID="2023"\nPLATFORM_ID="platform:al2023"\n');
  const callsFile = join(state, 'calls');
  writeFileSync(callsFile, '', { flag: 'a' });
  const readCalls = (): string[] => readFileSync(callsFile, 'utf8').split('\n').filter(Boolean);
  return {
    root,
    state,
    callsFile,
    run(script, args = []) {
      const before = readCalls().length;
      const file = join(world.dir, `${name}-bootstrap.sh`);
      writeFileSync(file, script);
      const result = spawnSync('bash', [file, ...args], {
        encoding: 'utf8',
        timeout: 60_000,
        env: {
          PATH: `${world.stubBin}:/usr/bin:/bin`,
          HOME: root,
          LANG: 'C.UTF-8',
          HPC_HA_SYSROOT: root,
          STUB_CALLS: callsFile,
          STUB_STATE: state,
          STUB_WORLD: world.dir,
          STUB_IP: ip,
          STUB_HOSTNAME: `ip-${ip.replace(/\./g, '-')}`,
          STUB_EF_VERSION: efVersion,
        },
      });
      return { status: result.status ?? -1, calls: readCalls().slice(before), stderr: result.stderr };
    },
    calls: readCalls,
    log: () => {
      const file = join(root, 'var/log/hpc-ha/portal-bootstrap.log');
      return existsSync(file) ? readFileSync(file, 'utf8') : '';
    },
    file: (path) => readFileSync(join(root, path), 'utf8'),
    exists: (path) => existsSync(join(root, path)),
  };
}

/** Every regular file under `dir` (following no symlinks), for secret scans. */
export function allFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out;
}
