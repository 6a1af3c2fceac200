import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { toShellAssignments } from '@hpc-ha/enginframe-config';

/**
 * A simulated region for the Open OnDemand bootstrap: stub commands on PATH (dnf, rpm, aws, curl, mount, systemctl,
 * cfn-signal, ...) and, per node, a system root the script writes into (HPC_HA_SYSROOT), with /efs shared between the
 * nodes through a symlink. Every stub appends its argv to the node's calls file, so a test sees what ran and can
 * check that no secret was ever an argument. openssl, tar, jq, sha256sum and flock are the real ones.
 */

const LOG_CALL = `printf '%s' "$(basename "$0")" >>"$STUB_CALLS"; for a in "$@"; do printf ' %s' "$a" >>"$STUB_CALLS"; done; printf '\\n' >>"$STUB_CALLS"`;

// What `dnf install ondemand...` leaves behind: the RPM database entry and the portal generator.
const INSTALL_OOD = `
  mkdir -p "$STUB_STATE/rpms"
  touch "$STUB_STATE/rpms/$1"
  case "$1" in
    ondemand-[0-9]*)
      gen="$HPC_HA_SYSROOT/opt/ood/ood-portal-generator/sbin/update_ood_portal"
      mkdir -p "$(dirname "$gen")"
      cp "$STUB_WORLD/stubs/update_ood_portal" "$gen"; chmod +x "$gen" ;;
  esac`;

const STUBS: Record<string, string> = {
  dnf: `
    [ "$1" = install ] || exit 0
    install_one() { ${INSTALL_OOD}
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
  hostname: `echo "$STUB_HOSTNAME"`,
  // A directory server answers unless the world marked it down (world.directoryDown).
  ldapsearch: `
    while [ $# -gt 0 ]; do case "$1" in -H) uri="$2"; shift 2 ;; *) shift ;; esac; done
    [ ! -e "$STUB_WORLD/ldap-down/\${uri#ldaps://}" ] || { echo "ldap_sasl_bind(SIMPLE): Can't contact LDAP server (-1)" >&2; exit 255; }`,
  chown: ``,
  alternatives: ``,
  sssctl: ``,
  authselect: ``,
  mountpoint: `exit 1`,
  'cfn-signal': ``,
  systemctl: `
    s="$STUB_STATE/systemd"; mkdir -p "$s"
    cmd="$1"; shift
    [ "\${1:-}" != --now ] || { now=1; shift; }
    for unit in "$@"; do
      case "$cmd" in
        start|restart) touch "$s/$unit.active" ;;
        enable) touch "$s/$unit.enabled"; [ -z "\${now:-}" ] || touch "$s/$unit.active" ;;
        daemon-reload) ;;
        *) echo "systemctl stub: $cmd" >&2; exit 1 ;;
      esac
    done`,
  mount: `
    if [ "$1" = -t ] && [ "$2" = nfs ]; then
      src="$5"; dir="$6"; cp -a "$STUB_WORLD/nfs/\${src%%:*}\${src#*:}/." "$dir/"
    fi`,
  umount: `case "$1" in */run/hpc-ha/*) find "$1" -mindepth 1 -delete ;; esac`,
  curl: `
    out=""; url=""; head=""
    while [ $# -gt 0 ]; do case "$1" in -o) out="$2"; shift 2 ;; --head) head=1; shift ;; -H|-X|--connect-timeout|--retry|--retry-delay|--max-time) shift 2 ;; -*) shift ;; *) url="$1"; shift ;; esac; done
    case "$url" in
      */latest/api/token) echo "imds-token" ;;
      */meta-data/local-ipv4) echo "$STUB_IP" ;;
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
    elif [ "$1 $2" = "s3 cp" ]; then
      args=(); for a in "$@"; do case "$a" in --only-show-errors) ;; --region) skip=1 ;; *) if [ -n "\${skip:-}" ]; then skip=; else args+=("$a"); fi ;; esac; done
      src="\${args[2]#s3://}"; [ -f "$STUB_WORLD/s3/$src" ] || { echo "fatal error: An error occurred (404) when calling the HeadObject operation" >&2; exit 1; }
      cp "$STUB_WORLD/s3/$src" "\${args[3]}"
    else
      echo "aws stub: $*" >&2; exit 1
    fi`,
};

export interface World {
  dir: string;
  efs: string;
  cleanup(): void;
  /** What a head node publishes on EFS for its cluster (CONTRACTS.md), and the Slurm build it exports over NFS. */
  publish(cluster: string, headIp: string, slurmVersion: string): void;
  s3(key: string, content: string | Buffer): void;
  secret(arn: string, value: string): void;
  /** Makes every https:// source (the Open OnDemand repository) unreachable. */
  cutInternet(): void;
  /** Stops (true) or restarts (false) the directory server host:port. */
  directoryDown(hostPort: string, down: boolean): void;
}

export function createWorld(): World {
  const dir = mkdtempSync(join(tmpdir(), 'oodcfg-world-'));
  const efs = join(dir, 'efs');
  const bin = join(dir, 'stubs', 'bin');
  mkdirSync(efs, { recursive: true });
  mkdirSync(bin, { recursive: true });
  for (const [name, body] of Object.entries(STUBS)) {
    writeFileSync(join(bin, name), `#!/usr/bin/env bash\nset -eu\n${LOG_CALL}\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  // The portal generator as the ondemand package installs it; it reads ood_portal.yml and writes the Apache config.
  writeFileSync(
    join(dir, 'stubs', 'update_ood_portal'),
    `#!/usr/bin/env bash\nset -eu\n${LOG_CALL}\nconf="$HPC_HA_SYSROOT/etc/httpd/conf.d/ood-portal.conf"; mkdir -p "$(dirname "$conf")"\n` +
      `[ "$(stat -c %a "$HPC_HA_SYSROOT/etc/ood/config/ood_portal.yml")" = 600 ] || { echo "ood_portal.yml is not 0600" >&2; exit 1; }\n` +
      `sha256sum "$HPC_HA_SYSROOT/etc/ood/config/ood_portal.yml" >"$conf"; exit 3\n`,
  );
  chmodSync(join(dir, 'stubs', 'update_ood_portal'), 0o755);
  const put = (file: string, content: string | Buffer): void => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  };
  return {
    dir,
    efs,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
    publish(cluster, headIp, slurmVersion) {
      const pub = join(efs, 'hpc-ha', 'clusters', cluster);
      const host = `ip-${headIp.replace(/\./g, '-')}`;
      put(join(pub, 'slurm.conf'), `ClusterName=${cluster}\nSlurmctldHost=${host}(${headIp})\nAuthType=auth/munge\n`);
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
      put(join(dir, 'nfs', headIp, 'opt', 'slurm', 'bin', 'sbatch'), `#!/bin/sh\necho sbatch ${slurmVersion}\n`);
    },
    s3: (key, content) => put(join(dir, 's3', key), content),
    secret: (arn, value) => put(join(dir, 'secrets', arn.replace(/[^A-Za-z0-9]/g, '_')), value),
    cutInternet: () => writeFileSync(join(dir, 'unreachable'), ''),
    directoryDown: (hostPort, down) => (down ? put(join(dir, 'ldap-down', hostPort), '') : rmSync(join(dir, 'ldap-down', hostPort), { force: true })),
  };
}

export interface RunResult {
  status: number;
  calls: string[];
  stderr: string;
}

export interface SimNode {
  root: string;
  run(script: string, args?: string[]): RunResult;
  calls(): string[];
  log(): string;
  file(path: string): string;
  exists(path: string): boolean;
  mode(path: string): string;
}

export function createNode(world: World, name: string, ip: string): SimNode {
  const root = join(world.dir, 'nodes', name);
  const state = join(world.dir, 'state', name);
  mkdirSync(root, { recursive: true });
  mkdirSync(state, { recursive: true });
  if (!existsSync(join(root, 'efs'))) symlinkSync(world.efs, join(root, 'efs'));
  const callsFile = join(state, 'calls');
  writeFileSync(callsFile, '', { flag: 'a' });
  const readCalls = (): string[] => readFileSync(callsFile, 'utf8').split('\n').filter(Boolean);
  return {
    root,
    run(script, args = []) {
      const before = readCalls().length;
      const file = join(world.dir, `${name}-bootstrap.sh`);
      writeFileSync(file, script);
      const result = spawnSync('bash', [file, ...args], {
        encoding: 'utf8',
        timeout: 60_000,
        env: {
          PATH: `${join(world.dir, 'stubs', 'bin')}:/usr/bin:/bin`,
          HOME: root,
          LANG: 'C.UTF-8',
          HPC_HA_SYSROOT: root,
          STUB_CALLS: callsFile,
          STUB_STATE: state,
          STUB_WORLD: world.dir,
          STUB_IP: ip,
          STUB_HOSTNAME: `ip-${ip.replace(/\./g, '-')}`,
        },
      });
      return { status: result.status ?? -1, calls: readCalls().slice(before), stderr: result.stderr };
    },
    calls: readCalls,
    log: () => {
      const file = join(root, 'var/log/hpc-ha/ondemand-bootstrap.log');
      return existsSync(file) ? readFileSync(file, 'utf8') : '';
    },
    file: (path) => readFileSync(join(root, path), 'utf8'),
    exists: (path) => existsSync(join(root, path)),
    mode: (path) => (statSync(join(root, path)).mode & 0o777).toString(8),
  };
}

/** Every regular file under `dir`, for secret scans. */
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
