import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The one simulated AWS region for both portals' node bootstraps (@hpc-ha/portal-node's steps plus each portal's own):
 * stub commands on PATH (dnf, rpm, aws, curl, mount, systemctl, cfn-signal, java, useradd, iptables, ...) and, per
 * node, a system root the script writes into (HPC_HA_SYSROOT), with /efs shared between nodes through a symlink.
 * Every stub appends its argv to the node's calls file, so a test sees what ran, what restarted, and that no secret
 * was ever an argument. openssl, tar, jq, sha256sum, flock, timeout, ls and systemd-escape are the real ones.
 */

const LOG_CALL = `printf '%s' "$(basename "$0")" >>"$STUB_CALLS"; for a in "$@"; do printf ' %s' "$a" >>"$STUB_CALLS"; done; printf '\\n' >>"$STUB_CALLS"`;

// world.failWhen(command, pattern): that command fails (status 1) when its arguments match the extended regex.
const FAIL_HOOK = `f="$STUB_WORLD/fail/$(basename "$0")"
if [ -f "$f" ] && printf '%s' "$*" | grep -qE -f "$f"; then echo "$(basename "$0") $*: simulated failure" >&2; exit 1; fi`;

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

// What `dnf install ondemand...` leaves behind: the RPM database entry and the portal generator.
const INSTALL_RPM = `
  mkdir -p "$STUB_STATE/rpms"
  touch "$STUB_STATE/rpms/$1"
  case "$1" in
    ondemand-[0-9]*)
      gen="$HPC_HA_SYSROOT/opt/ood/ood-portal-generator/sbin/update_ood_portal"
      mkdir -p "$(dirname "$gen")"
      cp "$STUB_WORLD/stubs/update_ood_portal" "$gen"; chmod +x "$gen" ;;
  esac`;

const STUBS: Record<string, string> = {
  // A world without a munge package answers `dnf info munge` (and `dnf install munge`) as dnf does.
  dnf: `
    if [ "$1 \${2:-}" = "info munge" ]; then
      [ ! -f "$STUB_WORLD/no-munge-package" ] || { echo "Error: No matching Packages to list" >&2; exit 1; }
      exit 0
    fi
    [ "$1" = install ] || exit 0
    install_one() { ${INSTALL_RPM}
    }
    for a in "$@"; do
      case "$a" in
        install|-y|--setopt=*) ;;
        https://*) [ ! -f "$STUB_WORLD/unreachable" ] || { echo "Curl error (7): Couldn't connect to server" >&2; exit 1; }
                   install_one "$(basename "$a" | sed 's/-1\\.amzn2023\\.noarch\\.rpm$//')"
                   mkdir -p "$HPC_HA_SYSROOT/etc/yum.repos.d"
                   printf '[ondemand-web]\\nbaseurl=https://yum.osc.edu/ondemand/4.2/web/amzn2023/x86_64/\\n' >"$HPC_HA_SYSROOT/etc/yum.repos.d/ondemand-web.repo" ;;
        /*.rpm) install_one "$(basename "$a" .rpm | sed 's/-[0-9]*\\.amzn2023.*$//')" ;;
        munge) [ ! -f "$STUB_WORLD/no-munge-package" ] || { echo "No match for argument: munge" >&2; exit 1; } ;;
        ondemand*) [ ! -f "$STUB_WORLD/unreachable" ] || { echo "Failed to download metadata for repo 'ondemand-web'" >&2; exit 1; }
                   install_one "$a" ;;
        *) ;;
      esac
    done`,
  // rpm -q takes a name or name-version; the stub's database holds one file per name-version.
  rpm: `[ "$1" = -q ] || exit 1; shift; for p in "$@"; do [ -e "$STUB_STATE/rpms/$p" ] || compgen -G "$STUB_STATE/rpms/$p-[0-9]*" >/dev/null || { echo "package $p is not installed"; exit 1; }; done`,
  alternatives: ``,
  ldconfig: ``,
  uname: `[ "$*" = -m ] && echo x86_64`,
  authselect: ``,
  sssctl: ``,
  hostname: `echo "$STUB_HOSTNAME"`,
  // A directory server answers unless the world marked it down (world.directoryDown).
  ldapsearch: `
    while [ $# -gt 0 ]; do case "$1" in -H) uri="$2"; shift 2 ;; *) shift ;; esac; done
    [ ! -e "$STUB_WORLD/ldap-down/\${uri#ldaps://}" ] || { echo "ldap_sasl_bind(SIMPLE): Can't contact LDAP server (-1)" >&2; exit 255; }`,
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
    cmd="$1"; shift
    [ "\${1:-}" != --quiet ] || shift
    [ "\${1:-}" != --now ] || { now=1; shift; }
    for unit in "$@"; do
      case "$cmd" in
        is-enabled) [ -f "$s/$unit.enabled" ] ;;
        is-active) [ -f "$s/$unit.active" ] ;;
        start|restart) touch "$s/$unit.active" ;;
        enable) touch "$s/$unit.enabled"; [ -z "\${now:-}" ] || touch "$s/$unit.active" ;;
        daemon-reload|reset-failed) ;;
        *) echo "systemctl stub: $cmd" >&2; exit 1 ;;
      esac
    done`,
  mount: `
    if [ "$1" = -t ] && [ "$2" = nfs ]; then
      src="\${@: -2:1}"; dir="\${@: -1}"; cp -a "$STUB_WORLD/nfs/\${src%%:*}\${src#*:}/." "$dir/"
    elif [ $# -eq 1 ]; then
      # mount DIR: from fstab; a file system whose server is in $STUB_WORLD/dead fails as Lustre does, slowly.
      d="\${1#"$HPC_HA_SYSROOT"}"; what="$(awk -v d="$d" '$2 == d { print $1 }' "$HPC_HA_SYSROOT/etc/fstab")"
      if [ -e "$STUB_WORLD/dead/\${what%%@*}" ]; then sleep 2; echo "mount.lustre: mount $what at $d failed: Input/output error" >&2; exit 5; fi
    fi`,
  umount: `case "$1" in */run/hpc-ha/*) find "$1" -mindepth 1 -delete ;; esac`,
  // A curl config on stdin (--config -) may carry the URL and headers, as the nodes pass credentials.
  curl: `
    out=""; url=""; head=""
    while [ $# -gt 0 ]; do case "$1" in
      -o) out="$2"; shift 2 ;;
      --head) head=1; shift ;;
      --config) [ "$2" = - ] && while IFS= read -r line; do case "$line" in 'url = "'*) url="\${line#url = \\"}"; url="\${url%\\"}" ;; 'header = "'*) echo "\${line#header = }" >>"$STUB_STATE/curl-config-headers" ;; esac; done; shift 2 ;;
      -H|-X|-w|--connect-timeout|--max-time|--retry|--retry-delay) shift 2 ;;
      -*) shift ;;
      *) url="$1"; shift ;;
    esac; done
    case "$url" in
      https://localhost:*/*)
        # EnginFrame's own HTTPS port: answers once the service runs, with $STUB_WORLD/http-status (default 302).
        [ -f "$STUB_STATE/systemd/enginframe.active" ] || { printf 000; exit 7; }
        printf '%s' "$(cat "$STUB_WORLD/http-status" 2>/dev/null || echo 302)" ;;
      https://localhost/)
        # Apache with Open OnDemand: answers once httpd runs.
        [ -f "$STUB_STATE/systemd/httpd.active" ] || { printf 000; exit 7; }
        printf '%s' "$(cat "$STUB_WORLD/http-status" 2>/dev/null || echo 302)" ;;
      */latest/api/token) echo "imds-token-CANARY" ;;
      */meta-data/local-ipv4) echo "$STUB_IP" ;;
      */meta-data/*) echo "i-0123456789abcdef0" ;;
      https://*)
        [ ! -f "$STUB_WORLD/unreachable" ] || { echo "curl: (28) Connection timed out" >&2; exit 28; }
        [ -n "$head" ] && exit 0
        p="\${url#https://}"; p="\${p%%\\?*}"; [ -f "$STUB_WORLD/https/$p" ] || exit 22; cp "$STUB_WORLD/https/$p" "$out" ;;
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
      src="\${args[2]#s3://}"; [ -f "$STUB_WORLD/s3/$src" ] || { echo "fatal error: An error occurred (404) when calling the HeadObject operation" >&2; exit 1; }
      cp "$STUB_WORLD/s3/$src" "\${args[3]}"
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
    version="$(sed -n 's/^ef.product.version = //p; s/^kernel.ef.version = //p' "$conf" | head -n 1)"
    top="$HPC_HA_SYSROOT$root/enginframe"
    ver="\${STUB_EF_VERSION:-$version}"
    if [ -f "$STUB_WORLD/installer-fails" ]; then
      # Dies half-way, as an installer does when the disk fills or the database drops: a partial tree stays.
      mkdir -p "$top/$ver/enginframe/WEBAPP"; echo "installer: interrupted" >&2; exit 1
    fi
    mkdir -p "$top/bin" "$top/conf/enginframe" "$top/conf/plugins/slurm" "$top/$ver/enginframe/WEBAPP/WEB-INF/lib"
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

/** `NAME="value"` lines as a head node writes cluster.env and munge.env (values here need no escaping). */
const envText = (values: Record<string, string>): string =>
  Object.entries(values)
    .map(([k, v]) => `${k}="${v}"\n`)
    .join('');

export interface World {
  dir: string;
  efs: string;
  stubBin: string;
  cleanup(): void;
  /**
   * What a head node publishes on EFS for its cluster (CONTRACTS.md): slurm.conf, its munge build (for Amazon Linux
   * 2023 unless `os` says otherwise) and cluster.env last; plus the Slurm build it exports over NFS.
   */
  publish(cluster: string, headIp: string, slurmVersion: string, os?: { id: string; versionId: string }): void;
  /** The head node rewrites its slurm.conf (a changed client config). */
  republishSlurmConf(cluster: string, extra: string): void;
  /** The munge build a head node publishes next to its slurm.conf. */
  publishMunge(cluster: string, osId: string, versionId: string): void;
  unpublishMunge(cluster: string): void;
  /** A cluster and its file system gone with their AZ: its publication stays on EFS, its FSx server is dead. */
  killFsxServer(dnsName: string): void;
  /** From now on `dnf info munge` finds no package, as on a node whose repositories lack munge. */
  withoutMungePackage(): void;
  /** From now on `command` fails when its arguments match `pattern` (an extended regex). */
  failWhen(command: string, pattern: string): void;
  clearFailures(): void;
  s3(key: string, content: string | Buffer): void;
  /** Makes `name` resolve to `ip` (getent ahostsv4). */
  host(name: string, ip: string): void;
  https(path: string, content: string | Buffer): void;
  secret(arn: string, value: string): void;
  /** Makes every https:// source (a package repository) unreachable. */
  cutInternet(): void;
  /** Stops (true) or restarts (false) the directory server host:port. */
  directoryDown(hostPort: string, down: boolean): void;
  /** The HTTP status the portal answers its health probe with (default 302). */
  httpStatus(code: number): void;
  installs(): number;
}

export function createWorld(): World {
  const dir = mkdtempSync(join(tmpdir(), 'portal-node-world-'));
  const efs = join(dir, 'efs');
  const stubBin = join(dir, 'stubs', 'bin');
  mkdirSync(efs, { recursive: true });
  mkdirSync(stubBin, { recursive: true });
  const stub = (file: string, body: string): void => {
    writeFileSync(file, `#!/usr/bin/env bash\nset -eu\n${LOG_CALL}\n${FAIL_HOOK}\n${body}\n`);
    chmodSync(file, 0o755);
  };
  for (const [name, body] of Object.entries(STUBS)) stub(join(stubBin, name), body);
  // $EF_TOP/bin/enginframe as the installer leaves it; host-setup registers the boot service.
  stub(join(dir, 'stubs', 'enginframe'), `if [ "$1" = host-setup ]; then mkdir -p "$STUB_STATE/systemd"; touch "$STUB_STATE/systemd/enginframe.enabled"; fi`);
  // The portal generator as the ondemand package installs it; it reads ood_portal.yml and writes the Apache config.
  stub(
    join(dir, 'stubs', 'update_ood_portal'),
    `conf="$HPC_HA_SYSROOT/etc/httpd/conf.d/ood-portal.conf"; mkdir -p "$(dirname "$conf")"\n` +
      `[ "$(stat -c %a "$HPC_HA_SYSROOT/etc/ood/config/ood_portal.yml")" = 600 ] || { echo "ood_portal.yml is not 0600" >&2; exit 1; }\n` +
      `sha256sum "$HPC_HA_SYSROOT/etc/ood/config/ood_portal.yml" >"$conf"; exit 3`,
  );
  const put = (file: string, content: string | Buffer): void => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  };
  const pubDir = (cluster: string): string => join(efs, 'hpc-ha', 'clusters', cluster);
  const slurmConf = (cluster: string, headIp: string): string =>
    `# written by the hpc-ha head node of ${cluster}\nClusterName=${cluster}\nSlurmctldHost=ip-${headIp.replace(/\./g, '-')}(${headIp})\nSlurmctldPort=6820-6829\nAuthType=auth/munge\nCredType=cred/munge\n`;
  const world: World = {
    dir,
    efs,
    stubBin,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
    publish(cluster, headIp, slurmVersion, os = { id: 'amzn', versionId: '2023' }) {
      const pub = pubDir(cluster);
      put(join(pub, 'slurm.conf'), slurmConf(cluster, headIp));
      world.publishMunge(cluster, os.id, os.versionId);
      put(
        join(pub, 'cluster.env'),
        envText({
          HPC_HA_CLUSTER_NAME: cluster,
          HPC_HA_SLURMCTLD_HOST: `ip-${headIp.replace(/\./g, '-')}`,
          HPC_HA_SLURMCTLD_ADDR: headIp,
          HPC_HA_SLURMCTLD_PORT: '6820-6829',
          HPC_HA_SLURM_VERSION: slurmVersion,
          HPC_HA_SLURM_PREFIX: '/opt/slurm',
        }),
      );
      for (const tool of ['sinfo', 'sbatch']) put(join(dir, 'nfs', headIp, 'opt', 'slurm', 'bin', tool), `#!/bin/sh\necho ${tool} ${slurmVersion}\n`);
      put(join(dir, 'nfs', headIp, 'opt', 'slurm', 'lib', 'libslurm.so'), `lib ${slurmVersion}`);
    },
    republishSlurmConf: (cluster, extra) => writeFileSync(join(pubDir(cluster), 'slurm.conf'), extra, { flag: 'a' }),
    publishMunge(cluster, osId, versionId) {
      const pub = join(pubDir(cluster), 'munge');
      for (const [name, body] of Object.entries(MUNGE_BUILD)) put(join(pub, name), body);
      put(join(pub, 'munge.env'), envText({ HPC_HA_MUNGE_VERSION: 'munge-0.5.16', HPC_HA_MUNGE_OS_ID: osId, HPC_HA_MUNGE_OS_VERSION_ID: versionId, HPC_HA_MUNGE_ARCH: 'x86_64' }));
    },
    unpublishMunge: (cluster) => rmSync(join(pubDir(cluster), 'munge'), { recursive: true, force: true }),
    killFsxServer: (dnsName) => put(join(dir, 'dead', dnsName), ''),
    withoutMungePackage: () => writeFileSync(join(dir, 'no-munge-package'), ''),
    failWhen: (command, pattern) => put(join(dir, 'fail', command), `${pattern}\n`),
    clearFailures: () => rmSync(join(dir, 'fail'), { recursive: true, force: true }),
    s3: (key, content) => put(join(dir, 's3', key), content),
    host: (name, ip) => writeFileSync(join(dir, 'hosts'), `${ip} ${name}\n`, { flag: 'a' }),
    https: (path, content) => put(join(dir, 'https', path), content),
    secret: (arn, value) => put(join(dir, 'secrets', arn.replace(/[^A-Za-z0-9]/g, '_')), value),
    cutInternet: () => writeFileSync(join(dir, 'unreachable'), ''),
    directoryDown: (hostPort, down) => (down ? put(join(dir, 'ldap-down', hostPort), '') : rmSync(join(dir, 'ldap-down', hostPort), { force: true })),
    httpStatus: (code) => writeFileSync(join(dir, 'http-status'), String(code)),
    installs: () => (existsSync(join(dir, 'installs')) ? readFileSync(join(dir, 'installs'), 'utf8').trim().split('\n').length : 0),
  };
  return world;
}

export interface RunResult {
  status: number;
  calls: string[];
  stderr: string;
}

export interface SimNode {
  root: string;
  state: string;
  callsFile: string;
  /** Runs the script in this node's root; returns exit status and this run's new calls. */
  run(script: string, args?: string[], extraPath?: string): RunResult;
  calls(): string[];
  log(): string;
  file(path: string): string;
  exists(path: string): boolean;
  mode(path: string): string;
}

export interface NodeOptions {
  /** The bootstrap's log file under the node's root (each portal has its own name). */
  logFile: string;
  /** The EnginFrame version the installer stub lays out (EnginFrame nodes). */
  efVersion?: string;
}

export function createNode(world: World, name: string, ip: string, options: NodeOptions): SimNode {
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
    run(script, args = [], extraPath) {
      const before = readCalls().length;
      const file = join(world.dir, `${name}-bootstrap.sh`);
      writeFileSync(file, script);
      const result = spawnSync('bash', [file, ...args], {
        encoding: 'utf8',
        timeout: 90_000,
        env: {
          PATH: `${extraPath ? `${extraPath}:` : ''}${world.stubBin}:/usr/bin:/bin`,
          HOME: root,
          LANG: 'C.UTF-8',
          HPC_HA_SYSROOT: root,
          STUB_CALLS: callsFile,
          STUB_STATE: state,
          STUB_WORLD: world.dir,
          STUB_IP: ip,
          STUB_HOSTNAME: `ip-${ip.replace(/\./g, '-')}`,
          ...(options.efVersion ? { STUB_EF_VERSION: options.efVersion } : {}),
        },
      });
      return { status: result.status ?? -1, calls: readCalls().slice(before), stderr: result.stderr };
    },
    calls: readCalls,
    log: () => {
      const file = join(root, options.logFile);
      return existsSync(file) ? readFileSync(file, 'utf8') : '';
    },
    file: (path) => readFileSync(join(root, path), 'utf8'),
    exists: (path) => existsSync(join(root, path)),
    mode: (path) => (statSync(join(root, path)).mode & 0o777).toString(8),
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

export const signals = (calls: readonly string[]): string[] => calls.filter((c) => c.startsWith('cfn-signal '));
