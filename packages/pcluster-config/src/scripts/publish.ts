import type { ResolvedClusterSpec } from '../spec/cluster-spec.js';
import { mountDirOf, SLURM_PREFIX } from './common.js';
import { shellQuote } from './shell.js';

/** How the v3 head-node custom action and the 2.x post_install script differ in what they publish. */
interface Variant {
  /** Who wrote the files, for their comment headers. */
  writer: string;
  /** bash that checks `$slurm_cluster` (Slurm's ClusterName) against `$CLUSTER_NAME`. */
  clusterNameCheck: string;
  /** bash expression for the ClusterName line of the portal's client config. */
  slurmClusterName: string;
}

const VARIANTS: Record<'v3' | 'legacy', Variant> = {
  v3: {
    writer: 'head-node custom action',
    clusterNameCheck: `[[ "$slurm_cluster" == "$CLUSTER_NAME" ]] ||
  die "Slurm calls this cluster '$slurm_cluster' but it was rendered for '$CLUSTER_NAME'; the portal would address the wrong cluster"
`,
    slurmClusterName: '$CLUSTER_NAME',
  },
  legacy: {
    writer: 'post_install script',
    // ParallelCluster 2.x names the Slurm cluster of every cluster "parallelcluster"; the client must use Slurm's name.
    clusterNameCheck: `[[ "$slurm_cluster" == "$CLUSTER_NAME" || "$slurm_cluster" == parallelcluster ]] ||
  die "Slurm calls this cluster '$slurm_cluster'; ParallelCluster 2.x names it 'parallelcluster' (or '$CLUSTER_NAME' if renamed)"
`,
    slurmClusterName: '$slurm_cluster',
  },
};

/**
 * Absolute paths (relocated under HPC_HA_ROOT in tests), the Slurm PATH and the temp-file cleanup trap that the
 * head-node publication needs.
 */
export function pathsSection(spec: ResolvedClusterSpec): string {
  const efs = mountDirOf(spec);
  const publish = `${efs}/${spec.publishRoot}/clusters/${spec.clusterName}`;
  return `# HPC_HA_ROOT relocates every absolute path this script writes or checks. It is unset on a real node; tests set it.
readonly ROOT="\${HPC_HA_ROOT:-}"
readonly EFS_MOUNT_DIR="\${ROOT}"${shellQuote(efs)}
readonly PUBLISH_DIR="\${ROOT}"${shellQuote(publish)}
readonly SLURM_PREFIX=${shellQuote(SLURM_PREFIX)}
export PATH="\${ROOT}\${SLURM_PREFIX}/bin:\${PATH}"
TMP_FILES=()
cleanup() { if ((\${#TMP_FILES[@]})); then rm -f -- "\${TMP_FILES[@]}"; fi; }
trap cleanup EXIT
`;
}

/**
 * Top-level bash that reads this head node's Slurm settings, address and munge build, then publishes the munge
 * build, slurm.conf and cluster.env for the portal (CONTRACTS.md): each through a temp file and a rename, cluster.env
 * last. Needs pathsSection first.
 */
export function publishSection(variant: 'v3' | 'legacy'): string {
  const v = VARIANTS[variant];
  return `# --- facts about this head node, all gathered before anything is written ---
SLURM_CONFIG=""
read_slurm_config() {
  local attempt
  for attempt in 1 2 3 4 5 6 7 8 9 10 11 12; do
    if SLURM_CONFIG="$(scontrol show config)"; then return 0; fi
    log "slurmctld is not answering yet (attempt $attempt of 12); retrying in 5 s"
    sleep 5
  done
  die "scontrol show config failed 12 times; is slurmctld running on this head node?"
}

slurm_value() { # key → the value of its "key = value" line in SLURM_CONFIG
  local want="$1" line key value
  while IFS= read -r line; do
    [[ "$line" == *=* ]] || continue
    key="\${line%%=*}"
    key="\${key%"\${key##*[![:space:]]}"}"
    [[ "$key" == "$want" ]] || continue
    value="\${line#*=}"
    value="\${value#"\${value%%[![:space:]]*}"}"
    printf '%s\\n' "$value"
    return 0
  done <<<"$SLURM_CONFIG"
  return 1
}

imds() { # IMDSv2; the session token goes to curl on stdin, never on a command line
  local token
  token="$(curl -sS -f --max-time 5 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token)" ||
    die "cannot get an IMDSv2 session token"
  printf 'X-aws-ec2-metadata-token: %s\\n' "$token" | curl -sS -f --max-time 5 -H @- "http://169.254.169.254/latest/meta-data/$1" ||
    die "cannot read $1 from the instance metadata service"
}

read_slurm_config
slurm_cluster="$(slurm_value ClusterName)" || die "scontrol show config has no ClusterName"
${v.clusterNameCheck}ctld_port="$(slurm_value SlurmctldPort)" || die "scontrol show config has no SlurmctldPort"
slurm_version="$(slurm_value SLURM_VERSION)" || die "scontrol show config has no SLURM_VERSION"
if ctld_host="$(slurm_value 'SlurmctldHost[0]')"; then
  ctld_host="\${ctld_host%%(*}"
else
  ctld_host="$(hostname -s)"
fi
private_data="$(slurm_value PrivateData || true)"
if [[ "$private_data" == *jobs* ]]; then
  log "WARNING: PrivateData=$private_data hides other users' jobs; the EnginFrame admin needs to see all jobs"
fi
ctld_addr="$(imds local-ipv4)"
[[ "$ctld_addr" =~ ^[0-9]{1,3}(\\.[0-9]{1,3}){3}$ ]] || die "instance metadata returned '$ctld_addr', not an IPv4 address"
for value in "$ctld_host" "$ctld_port" "$slurm_version"; do
  [[ -n "$value" && "$value" != *[[:space:]]* ]] || die "unexpected value '$value' in scontrol show config"
done

# Slurm accounting (SlurmSettings.Database): sacct and sreport on the portal ask this cluster's slurmdbd, which runs on
# this head node. Its host name means nothing on the portal, so the client gets this node's address instead.
accounting_conf=""
if [[ "$(slurm_value AccountingStorageType || true)" == accounting_storage/slurmdbd ]]; then
  dbd_host="$(slurm_value AccountingStorageHost)" || die "accounting is on but scontrol show config has no AccountingStorageHost"
  dbd_port="$(slurm_value AccountingStoragePort)" || die "accounting is on but scontrol show config has no AccountingStoragePort"
  case "$dbd_host" in
    "$ctld_host" | "$(hostname -s)" | "$(hostname)" | localhost | 127.0.0.1) dbd_host="$ctld_addr" ;;
  esac
  [[ "$dbd_host" =~ ^[A-Za-z0-9.-]+$ && "$dbd_port" =~ ^[0-9]+$ ]] ||
    die "unexpected accounting address '$dbd_host:$dbd_port' in scontrol show config"
  accounting_conf="AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=$dbd_host
AccountingStoragePort=$dbd_port
"
fi

# The munge build ParallelCluster compiled on this head node (prefix /usr, like every node of the cluster), for portal
# nodes whose repositories carry no munge package. The portal installs it only on the same OS and architecture.
readonly -a MUNGE_PROGRAMS=(usr/sbin/munged usr/bin/munge usr/bin/unmunge)
munge_lib=""
for dir in usr/lib64 usr/lib/x86_64-linux-gnu usr/lib/aarch64-linux-gnu usr/lib lib64 lib/x86_64-linux-gnu lib/aarch64-linux-gnu; do
  if [[ -f "$ROOT/$dir/libmunge.so.2" ]]; then
    munge_lib="$dir/libmunge.so.2"
    break
  fi
done
[[ -n "$munge_lib" ]] || die "libmunge.so.2 not found on this head node; the portal needs ParallelCluster's munge build"
for file in "\${MUNGE_PROGRAMS[@]}"; do
  [[ -x "$ROOT/$file" ]] || die "/$file not found on this head node; the portal needs ParallelCluster's munge build"
done
munge_version="$("$ROOT/usr/sbin/munged" --version 2>&1)" || die "munged --version failed"
munge_version="\${munge_version%% *}"
os_value() { # KEY → its value in /etc/os-release, unquoted
  local line
  while IFS= read -r line; do
    if [[ "$line" == "$1="* ]]; then
      line="\${line#*=}"
      line="\${line#[\\"\\']}"
      printf '%s\\n' "\${line%[\\"\\']}"
      return 0
    fi
  done <"$ROOT/etc/os-release"
  return 1
}
os_id="$(os_value ID)" || die "/etc/os-release has no ID"
os_version="$(os_value VERSION_ID)" || die "/etc/os-release has no VERSION_ID"
os_arch="$(uname -m)"
for value in "$munge_version" "$os_id" "$os_version" "$os_arch"; do
  [[ "$value" =~ ^[A-Za-z0-9._+-]+$ ]] || die "unexpected value '$value' describing this head node's munge build"
done

env_line() { # KEY value → KEY="value" with \\ " $ \` escaped, safe to source
  local v="$2"
  v="\${v//\\\\/\\\\\\\\}"
  v="\${v//\\"/\\\\\\"}"
  v="\${v//\\$/\\\\\\$}"
  v="\${v//\\\`/\\\\\\\`}"
  printf '%s="%s"\\n' "$1" "$v"
}

# Client keys only. Server-only keys name accounts and paths of the cluster's nodes (SlurmUser, StateSaveLocation, ...);
# a Slurm client on a host without them stops ("Invalid user for SlurmUser ... Unable to process configuration file").
# Every key below is read the same way by Slurm 22.05 through 25.11.
slurm_conf="# Slurm client settings for the EnginFrame portal, written by the hpc-ha ${v.writer}
# of ParallelCluster cluster $CLUSTER_NAME. Do not edit: the head node rewrites this file.
ClusterName=${v.slurmClusterName}
SlurmctldHost=$ctld_host($ctld_addr)
SlurmctldPort=$ctld_port
AuthType=auth/munge
CredType=cred/munge
$accounting_conf"
cluster_env="# Written by the hpc-ha ${v.writer} of cluster $CLUSTER_NAME; sourced by the portal nodes.
$(env_line HPC_HA_CLUSTER_NAME "$CLUSTER_NAME")
$(env_line HPC_HA_SLURMCTLD_HOST "$ctld_host")
$(env_line HPC_HA_SLURMCTLD_ADDR "$ctld_addr")
$(env_line HPC_HA_SLURMCTLD_PORT "$ctld_port")
$(env_line HPC_HA_SLURM_VERSION "$slurm_version")
$(env_line HPC_HA_SLURM_PREFIX "$SLURM_PREFIX")
"
munge_env="# Written by the hpc-ha ${v.writer} of cluster $CLUSTER_NAME: the munge build of its head node.
$(env_line HPC_HA_MUNGE_VERSION "$munge_version")
$(env_line HPC_HA_MUNGE_OS_ID "$os_id")
$(env_line HPC_HA_MUNGE_OS_VERSION_ID "$os_version")
$(env_line HPC_HA_MUNGE_ARCH "$os_arch")
"

# --- publish: temp file + rename per file, cluster.env last so its presence means the directory is complete ---
write_atomically() { # path content
  local target="$1" tmp
  tmp="$(mktemp "\${target}.tmp.XXXXXX")"
  TMP_FILES+=("$tmp")
  printf '%s' "$2" >"$tmp"
  chmod 0644 "$tmp"
  mv -f -- "$tmp" "$target"
}

copy_atomically() { # source target mode
  local tmp
  tmp="$(mktemp "\${2}.tmp.XXXXXX")"
  TMP_FILES+=("$tmp")
  cp -L -- "$1" "$tmp"
  chmod "$3" "$tmp"
  mv -f -- "$tmp" "$2"
}

mountpoint -q "$EFS_MOUNT_DIR" ||
  die "$EFS_MOUNT_DIR is not a mounted file system; ParallelCluster mounts the shared EFS before OnNodeConfigured, so check SharedStorage"
mkdir -p -- "$PUBLISH_DIR/munge"
chmod 0755 "$PUBLISH_DIR" "$PUBLISH_DIR/munge"
for file in "\${MUNGE_PROGRAMS[@]}"; do
  copy_atomically "$ROOT/$file" "$PUBLISH_DIR/munge/\${file##*/}" 0755
done
copy_atomically "$ROOT/$munge_lib" "$PUBLISH_DIR/munge/libmunge.so.2" 0644
write_atomically "$PUBLISH_DIR/munge/munge.env" "$munge_env"
write_atomically "$PUBLISH_DIR/slurm.conf" "$slurm_conf"
write_atomically "$PUBLISH_DIR/cluster.env" "$cluster_env"
log "published $PUBLISH_DIR (SlurmctldHost=$ctld_host($ctld_addr)\${accounting_conf:+, slurmdbd $dbd_host:$dbd_port}, Slurm $slurm_version, $munge_version for $os_id $os_version $os_arch)"
`;
}
