# shellcheck shell=bash
# hpc-ha portal bootstrap: turns a fresh Amazon Linux 2023 instance into EnginFrame Enterprise node
# HPC_HA_NODE_INDEX (1 installs EnginFrame once on EFS, 2 joins), and keeps it that way on every re-run.
# All deploy-specific values arrive as the readonly HPC_HA_* variables set above this program (or in
# /etc/hpc-ha/portal.env when re-run by the re-sync timer). No secret is ever written to this text,
# to a command line or to the log: secrets are read from Secrets Manager when needed.
# Usage: <script> [boot|resync|imds]   (boot is the default; resync refreshes cluster configs and retries the
# other AZ's FSx; imds re-applies the instance-metadata firewall, run by its unit at every boot)
set -Eeuo pipefail
umask 022

# Test-only prefix for every system path; empty on a real node.
readonly R="${HPC_HA_SYSROOT:-}"
readonly ENV_FILE="$R/etc/hpc-ha/portal.env"
if [[ -z "${HPC_HA_REGION+x}" && -r "$ENV_FILE" ]]; then
  # shellcheck source=/dev/null
  source "$ENV_FILE"
fi

readonly MODE="${1:-boot}"
readonly MANAGED_BEGIN='# BEGIN hpc-ha managed settings (rewritten at every boot; do not edit)'
readonly MANAGED_END='# END hpc-ha managed settings'
readonly EFS_DIR="$R$HPC_HA_EFS_MOUNT_DIR"
readonly PUBLISHED_DIR="$EFS_DIR/$HPC_HA_PUBLICATION_ROOT/clusters"
readonly STATE_DIR="$EFS_DIR/$HPC_HA_PUBLICATION_ROOT/enginframe"
readonly INSTALL_MARKER="$STATE_DIR/installed"
readonly MEMBERS_DIR="$STATE_DIR/members"
readonly EF_TOP="$R$HPC_HA_NICE_ROOT/enginframe"
readonly LOCAL_STATE="$R/var/lib/hpc-ha"
readonly SLURM_CONF_DIR="$R$HPC_HA_SLURM_CONFIG_DIR"
readonly SLURM_PREFIX="$R$HPC_HA_LOCAL_SLURM_PREFIX"
readonly LOG_FILE="$R$HPC_HA_LOG_FILE"
readonly SELF_COPY="$R/usr/local/sbin/hpc-ha-portal-bootstrap"
readonly IMDS_CHAIN=HPC_HA_IMDS
readonly IMDS_UNIT=hpc-ha-imds-access.service

CURRENT_STEP="start"
CONFIG_CHANGED=0
TEMP_FILES=()
TEMP_MOUNTS=()
MY_IP=""
JAVA_HOME_DIR=""
PCLUSTER_HEAD_IP=""
PCLUSTER_CLI=""
FAIL_REASON=""
INSTANCE_ID=""

log() { printf '%s hpc-ha-portal node%s [%s] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$HPC_HA_NODE_INDEX" "$CURRENT_STEP" "$*"; }
die() {
  FAIL_REASON="$*"
  log "ERROR: $*"
  exit 1
}
step() {
  CURRENT_STEP="$1"
  log "begin"
}

cleanup() {
  local m f
  for m in "${TEMP_MOUNTS[@]}"; do
    umount "$m" >/dev/null 2>&1 || true
    rmdir "$m" >/dev/null 2>&1 || true
  done
  for f in "${TEMP_FILES[@]}"; do rm -f "$f"; done
}

signal_cloudformation() {
  local rc="$1"
  [[ "$MODE" == boot && -n "$HPC_HA_SIGNAL_STACK" ]] || return 0
  local code=0 status=SUCCESS reason="hpc-ha portal node $HPC_HA_NODE_INDEX is ready" endpoint cfn
  if ((rc != 0)); then
    code=1 status=FAILURE
    reason="hpc-ha portal node $HPC_HA_NODE_INDEX failed in step '$CURRENT_STEP'${FAIL_REASON:+: ${FAIL_REASON:0:300}} (log: $HPC_HA_LOG_FILE)"
  fi
  # An explicit endpoint built from the URL suffix keeps the signal inside the partition.
  endpoint="https://cloudformation.$HPC_HA_SIGNAL_REGION.$HPC_HA_URL_SUFFIX"
  # cloud-init's PATH lacks /opt/aws/bin, where aws-cfn-bootstrap installs; a missed signal costs the
  # whole CreationPolicy timeout, so fall back to PATH, then to the CLI's SignalResource call.
  cfn="$R/opt/aws/bin/cfn-signal"
  [[ -x "$cfn" ]] || cfn="$(command -v cfn-signal || true)"
  if [[ -n "$cfn" ]] && "$cfn" --exit-code "$code" --reason "$reason" --stack "$HPC_HA_SIGNAL_STACK" \
    --resource "$HPC_HA_SIGNAL_RESOURCE" --region "$HPC_HA_SIGNAL_REGION" --url "$endpoint"; then
    return 0
  fi
  log "cfn-signal ${cfn:+failed}${cfn:-is not installed}; signalling with the AWS CLI"
  [[ -n "$INSTANCE_ID" ]] || INSTANCE_ID="$(imds instance-id || true)"
  aws cloudformation signal-resource --region "$HPC_HA_SIGNAL_REGION" --endpoint-url "$endpoint" \
    --stack-name "$HPC_HA_SIGNAL_STACK" --logical-resource-id "$HPC_HA_SIGNAL_RESOURCE" \
    --unique-id "${INSTANCE_ID:-unknown}" --status "$status" ||
    log "signalling failed (already signalled, or the stack is gone)"
}

on_exit() {
  local rc=$?
  trap - EXIT ERR
  set +e
  cleanup
  if ((rc == 0)); then log "done ($MODE)"; else log "FAILED ($MODE) with status $rc"; fi
  # CloudFormation shows only the status of a resource signal, so the reason also goes where an operator looks.
  ((rc == 0)) || printf 'hpc-ha portal bootstrap (%s) failed in step %s: %s (log: %s)\n' \
    "$MODE" "$CURRENT_STEP" "${FAIL_REASON:-status $rc}" "$HPC_HA_LOG_FILE" >&8 2>/dev/null || true
  signal_cloudformation "$rc"
  exit "$rc"
}

on_error() { log "command failed (status $1) at line $2: $3"; }

# ---------------------------------------------------------------------------------------------------
# Small helpers

# Writes stdin to FILE only when the content differs (atomic rename in the same directory).
# Returns 0 and sets WROTE=1 when the file changed.
WROTE=0
write_if_changed() {
  local file="$1" mode="$2" tmp
  WROTE=0
  mkdir -p "$(dirname "$file")"
  tmp="$(mktemp "$file.hpc-ha.XXXXXX")"
  TEMP_FILES+=("$tmp")
  cat >"$tmp"
  chmod "$mode" "$tmp"
  if [[ -f "$file" ]] && cmp -s "$tmp" "$file"; then
    rm -f "$tmp"
    return 0
  fi
  mv -f "$tmp" "$file"
  WROTE=1
}

# Replaces (or appends) the managed block of a .properties or shell file the installer created.
apply_managed_block() {
  local file="$1" block="$2" tmp
  [[ -f "$file" ]] || die "expected $file from the EnginFrame install"
  tmp="$(mktemp "$file.hpc-ha.XXXXXX")"
  TEMP_FILES+=("$tmp")
  awk -v b="$MANAGED_BEGIN" -v e="$MANAGED_END" '$0 == b {skip = 1; next} $0 == e {skip = 0; next} !skip' "$file" >"$tmp"
  printf '%s' "$block" >>"$tmp"
  if cmp -s "$tmp" "$file"; then
    rm -f "$tmp"
    return 0
  fi
  chmod --reference="$file" "$tmp"
  chown --reference="$file" "$tmp"
  mv -f "$tmp" "$file"
  CONFIG_CHANGED=1
  log "updated managed settings in ${file#"$R"}"
}

# Escapes a value exactly as java.util.Properties.store does.
props_escape() {
  local in="$1" out="" ch code i hi lo
  local LC_ALL=C.UTF-8
  for ((i = 0; i < ${#in}; i++)); do
    ch="${in:i:1}"
    case "$ch" in
      "\\") out+="\\\\" ;;
      '=' | ':' | '#' | '!') out+="\\$ch" ;;
      ' ') if ((i == 0)); then out+='\ '; else out+=' '; fi ;;
      $'\t') out+='\t' ;;
      $'\n') out+='\n' ;;
      $'\r') out+='\r' ;;
      $'\f') out+='\f' ;;
      *)
        printf -v code '%d' "'$ch"
        if ((code >= 0x20 && code <= 0x7e)); then
          out+="$ch"
        elif ((code > 0xffff)); then
          hi=$(((code - 0x10000) / 0x400 + 0xd800))
          lo=$(((code - 0x10000) % 0x400 + 0xdc00))
          printf -v ch '\\u%04X\\u%04X' "$hi" "$lo"
          out+="$ch"
        else
          printf -v ch '\\u%04X' "$code"
          out+="$ch"
        fi
        ;;
    esac
  done
  PROPS_ESCAPED="$out"
}

imds() {
  local token
  token="$(curl -fsS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' --connect-timeout 5 --retry 3 http://169.254.169.254/latest/api/token)"
  curl -fsS -H "X-aws-ec2-metadata-token: $token" --connect-timeout 5 --retry 3 "http://169.254.169.254/latest/meta-data/$1"
}

# Prints a secret's SecretString to stdout (never to a file or an argument list).
secret_string() {
  aws secretsmanager get-secret-value --region "$HPC_HA_REGION" --secret-id "$1" --query SecretString --output text
}

# fetch URI DEST [SHA256]: s3:// through the instance role, https:// with curl; checks the digest.
fetch() {
  local uri="$1" dest="$2" sha="${3:-}" part="$2.part" actual
  mkdir -p "$(dirname "$dest")"
  TEMP_FILES+=("$part")
  # Query strings (pre-signed URLs) carry credentials: never log them.
  log "downloading ${uri%%\?*}"
  case "$uri" in
    s3://*) aws s3 cp --only-show-errors --region "$HPC_HA_REGION" "$uri" "$part" ;;
    https://*) curl -fsSL --retry 5 --retry-delay 5 --connect-timeout 20 -o "$part" "$uri" ;;
    *) die "unsupported URI scheme in ${uri%%\?*} (use s3:// or https://)" ;;
  esac
  if [[ -n "$sha" ]]; then
    actual="$(sha256sum "$part")"
    actual="${actual%% *}"
    if [[ "$actual" != "$sha" ]]; then
      rm -f "$part"
      die "SHA-256 mismatch for ${uri%%\?*}: expected $sha, got $actual; refusing to continue"
    fi
    log "SHA-256 verified for ${uri%%\?*}"
  fi
  mv -f "$part" "$dest"
}

# wait_for FILE SECONDS WHAT: bounded wait for a file to appear.
wait_for() {
  local file="$1" limit="$2" what="$3" deadline
  deadline=$((SECONDS + limit))
  until [[ -e "$file" ]]; do
    if ((SECONDS >= deadline)); then return 1; fi
    log "waiting for $what (${file#"$R"}), $((deadline - SECONDS)) s left"
    sleep "$HPC_HA_POLL_SECONDS"
  done
  return 0
}

# ---------------------------------------------------------------------------------------------------
# Steps

setup_logging() {
  mkdir -p "$(dirname "$LOG_FILE")"
  # fd 8 keeps the caller's stderr (cloud-init's output: the console and its own CloudWatch stream) for the verdict.
  exec 8>&2 >>"$LOG_FILE" 2>&1
  # Installer output lands here too: root only. So does the local state (downloads, the transient install config).
  chmod 0600 "$LOG_FILE"
  mkdir -p "$LOCAL_STATE"
  chmod 0700 "$LOCAL_STATE"
}

persist_for_resync() {
  step "persist"
  local name
  {
    printf '# hpc-ha portal bootstrap settings (no secrets: ARNs only); read by the re-sync timer\n'
    for name in $(compgen -v HPC_HA_); do
      [[ "$name" == HPC_HA_SYSROOT ]] && continue
      printf 'readonly %s=%q\n' "$name" "${!name}"
    done
  } | write_if_changed "$ENV_FILE" 0600
  if [[ -f "${BASH_SOURCE[0]}" ]]; then
    write_if_changed "$SELF_COPY" 0700 <"${BASH_SOURCE[0]}"
  fi
}

install_packages() {
  step "packages"
  local -a packages
  read -r -a packages <<<"$HPC_HA_PACKAGES"
  dnf install -y --setopt=install_weak_deps=False "${packages[@]}"
}

# The metadata service hands out the node role's credentials, which read every secret of the deployment: only root
# and the listed service users may reach it (ParallelCluster restricts its head nodes the same way). The rules live
# in their own chain, replaced in one iptables-restore transaction so there is no moment without them.
apply_imds_rules() {
  local uids="$1" ipt addr uid rules
  for ipt in iptables ip6tables; do
    if [[ "$ipt" == iptables ]]; then addr=169.254.169.254/32; else addr=fd00:ec2::254/128; fi
    command -v "$ipt" >/dev/null || {
      [[ "$ipt" == ip6tables ]] || die "iptables is not installed"
      continue
    }
    rules="*filter"$'\n'":$IMDS_CHAIN - [0:0]"$'\n'
    for uid in $uids; do rules+="-A $IMDS_CHAIN -m owner --uid-owner $uid -j ACCEPT"$'\n'; done
    rules+="-A $IMDS_CHAIN -j REJECT"$'\n'"COMMIT"$'\n'
    "$ipt-restore" -w 10 --noflush <<<"$rules"
    "$ipt" -w 10 -C OUTPUT -d "$addr" -j "$IMDS_CHAIN" 2>/dev/null || "$ipt" -w 10 -I OUTPUT 1 -d "$addr" -j "$IMDS_CHAIN"
  done
  log "instance metadata reachable only by UIDs $uids"
}

restrict_imds() {
  step "imds"
  local uids=0 user uid
  for user in $HPC_HA_IMDS_ALLOWED_USERS; do
    case "$user" in
      root) continue ;;
      efadmin) uid="$HPC_HA_EFADMIN_UID" ;;
      efnobody) uid="$HPC_HA_EFNOBODY_UID" ;;
      *) uid="$(id -u "$user" 2>/dev/null)" || die "the IMDS allow-list names $user, who does not exist on this node" ;;
    esac
    uids+=" $uid"
  done
  apply_imds_rules "$uids"
  # The same rules at every boot, before the network and before any login.
  printf '%s\n' "$uids" | write_if_changed "$R/etc/hpc-ha/imds-allowed-uids" 0600
  write_if_changed "$R/etc/systemd/system/$IMDS_UNIT" 0644 <<EOF
[Unit]
Description=hpc-ha: only root and the listed service users may reach the instance metadata service
DefaultDependencies=no
After=local-fs.target
Before=network-pre.target systemd-user-sessions.service
Wants=network-pre.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=${SELF_COPY#"$R"} imds

[Install]
WantedBy=multi-user.target
EOF
  systemctl daemon-reload
  systemctl enable "$IMDS_UNIT"
}

discover_instance() {
  step "instance"
  INSTANCE_ID="$(imds instance-id)"
  MY_IP="$(imds local-ipv4)"
  [[ "$MY_IP" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] || die "IMDS returned no private IPv4 address"
  local java
  java="$(command -v java)" || die "no java on PATH after the package step"
  java="$(readlink -f "$java")"
  JAVA_HOME_DIR="$(dirname "$(dirname "$java")")"
  log "private IP $MY_IP, Java home ${JAVA_HOME_DIR#"$R"}"
}

# Adds or replaces the fstab line for a mount dir, then mounts it if needed (unless told not to).
ensure_mount() {
  local spec="$1" dir="$2" type="$3" options="$4" now="${5:-mount}" fstab="$R/etc/fstab" line tmp
  line="$spec $dir $type $options 0 0"
  mkdir -p "$R$dir" "$(dirname "$fstab")"
  touch "$fstab"
  tmp="$(mktemp "$fstab.hpc-ha.XXXXXX")"
  TEMP_FILES+=("$tmp")
  awk -v d="$dir" '$2 != d' "$fstab" >"$tmp"
  printf '%s\n' "$line" >>"$tmp"
  if cmp -s "$tmp" "$fstab"; then rm -f "$tmp"; else
    chmod 0644 "$tmp"
    mv -f "$tmp" "$fstab"
  fi
  [[ "$now" == mount ]] || return 0
  if ! mountpoint -q "$R$dir"; then
    mount "$R$dir"
    log "mounted $dir"
  fi
}

# FSx for Lustre is single-AZ. This AZ's file system is required; another AZ's is mounted on first use by a
# systemd automount, `nofail` and with a mount timeout, so its loss neither stops a boot nor blocks a process
# for longer than that timeout, and the node never mounts it itself (a Lustre mount of a dead server hangs).
readonly FSX_OPTIONS="defaults,noatime,flock,_netdev"
mount_filesystems() {
  step "mounts"
  ensure_mount "$HPC_HA_EFS_ID:/" "$HPC_HA_EFS_MOUNT_DIR" efs "$HPC_HA_EFS_MOUNT_OPTIONS"
  local id dns name dir need automounts=()
  # One line per FSx for Lustre file system: "<id> <dns name> <mount name> <mount dir> <required|optional>".
  while read -r id dns name dir need; do
    [[ -n "$id" ]] || continue
    if [[ "$need" == required ]]; then
      log "FSx $id at $dir (this AZ's: required)"
      ensure_mount "$dns@tcp:/$name" "$dir" lustre "$FSX_OPTIONS"
    else
      log "FSx $id at $dir (another AZ's: automounted on first use, nofail)"
      ensure_mount "$dns@tcp:/$name" "$dir" lustre \
        "$FSX_OPTIONS,nofail,x-systemd.automount,x-systemd.mount-timeout=$HPC_HA_FSX_MOUNT_TIMEOUT" fstab-only
      automounts+=("$(systemd-escape --path --suffix=automount "$dir")")
    fi
  done <<<"$HPC_HA_FSX_MOUNTS"
  if ((${#automounts[@]})); then
    systemctl daemon-reload
    # Starting an automount unit never waits for the file system itself.
    systemctl start "${automounts[@]}" || log "WARNING: could not start ${automounts[*]}; the re-sync timer retries"
  fi
  mkdir -p "$PUBLISHED_DIR" "$MEMBERS_DIR"
}

# Re-sync: re-arms the automount of every other AZ's FSx (after a failed mount systemd may leave it failed)
# and reports, within the mount timeout, whether it is reachable now.
retry_optional_mounts() {
  step "remote-fsx"
  local id dns name dir need unit
  while read -r id dns name dir need; do
    [[ -n "$id" && "$need" != required ]] || continue
    unit="$(systemd-escape --path "$dir")"
    systemctl reset-failed "$unit.mount" "$unit.automount" >/dev/null 2>&1 || true
    if ! systemctl start "$unit.automount"; then
      log "WARNING: cannot arm the automount of $dir; next try in $HPC_HA_RESYNC_MINUTES min"
      continue
    fi
    if timeout "$((HPC_HA_FSX_MOUNT_TIMEOUT + 5))" ls "$R$dir/" >/dev/null 2>&1; then
      log "FSx $id at $dir is reachable"
    else
      log "WARNING: FSx $id at $dir is unreachable (its AZ may be down); next try in $HPC_HA_RESYNC_MINUTES min"
    fi
  done <<<"$HPC_HA_FSX_MOUNTS"
}

# ensure_account NAME UID GID
ensure_account() {
  local name="$1" uid="$2" gid="$3" entry
  if entry="$(getent group "$name")"; then
    [[ "$(cut -d: -f3 <<<"$entry")" == "$gid" ]] || die "group $name exists with a GID other than $gid"
  else
    groupadd --gid "$gid" "$name"
  fi
  if entry="$(getent passwd "$name")"; then
    [[ "$(cut -d: -f3 <<<"$entry")" == "$uid" ]] || die "user $name exists with a UID other than $uid"
  else
    useradd --uid "$uid" --gid "$gid" --create-home --shell /bin/bash "$name"
  fi
}

create_accounts() {
  step "accounts"
  ensure_account efadmin "$HPC_HA_EFADMIN_UID" "$HPC_HA_EFADMIN_GID"
  ensure_account efnobody "$HPC_HA_EFNOBODY_UID" "$HPC_HA_EFNOBODY_GID"
  local password
  password="$(secret_string "$HPC_HA_ADMIN_SECRET_ARN" | jq -er --arg k "$HPC_HA_ADMIN_SECRET_KEY" '.[$k] | strings')" ||
    die "the admin password secret has no string key '$HPC_HA_ADMIN_SECRET_KEY'"
  printf '%s:%s\n' efadmin "$password" | chpasswd
  unset password
  log "efadmin password set from Secrets Manager"
}

# Directory users (sssd for PAM and NSS) from the shared step of @hpc-ha/sssd-config, whose functions the rendered
# program carries. Runs after the mounts (homes and the CA live on EFS) and before EnginFrame starts, so portal
# logins and jobs see directory users from the first request.
configure_directory() {
  [[ "$HPC_HA_DIRECTORY_TYPE" != none ]] || return 0
  step "directory"
  hpc_ha_configure_sssd
}

# munge for the Slurm client comes from the first source that has it: the distribution's package when this node's
# repositories carry one, else the build ParallelCluster compiled on this AZ's head node, which the head node publishes
# on EFS next to its slurm.conf. That build is installed only when the head node runs this node's OS and architecture:
# its binaries are linked against the head node's libraries.
readonly MUNGE_PREFIX="$R/opt/hpc-ha/munge"
MUNGE_CHANGED=0

# Sources a head node's munge.env in a clean shell: the munge version, then "OS-ID VERSION-ID ARCH".
read -r -d '' MUNGE_ENV_READER <<'EOF' || true
set -eu
# shellcheck source=/dev/null
source "$1"
printf '%s\n' "$HPC_HA_MUNGE_VERSION" "$HPC_HA_MUNGE_OS_ID $HPC_HA_MUNGE_OS_VERSION_ID $HPC_HA_MUNGE_ARCH"
EOF
readonly MUNGE_ENV_READER

os_release() { # KEY → its value in this node's /etc/os-release, unquoted
  local line
  while IFS= read -r line; do
    [[ "$line" == "$1="* ]] || continue
    line="${line#*=}"
    line="${line#[\"\']}"
    printf '%s\n' "${line%[\"\']}"
    return 0
  done <"$R/etc/os-release"
  return 1
}

install_if_changed() { # source target mode
  if [[ -f "$2" ]] && cmp -s "$1" "$2"; then return 0; fi
  install -D -m "$3" "$1" "$2"
  MUNGE_CHANGED=1
}

install_munge_software() {
  if dnf info munge >/dev/null 2>&1; then
    dnf install -y --setopt=install_weak_deps=False munge
    log "munge from the distribution repositories"
    return 0
  fi
  local src="$PUBLISHED_DIR/$HPC_HA_OWN_CLUSTER/munge" id version mine
  local -a built
  [[ -f "$src/munge.env" ]] ||
    die "no munge to install: 'dnf info munge' finds no munge package in this node's repositories, and the head node of $HPC_HA_OWN_CLUSTER published no munge build in ${src#"$R"}/"
  mapfile -t built < <(env -i PATH=/usr/bin:/bin bash -c "$MUNGE_ENV_READER" _ "$src/munge.env")
  ((${#built[@]} == 2)) || die "${src#"$R"}/munge.env is incomplete"
  id="$(os_release ID)" || die "/etc/os-release has no ID"
  version="$(os_release VERSION_ID)" || die "/etc/os-release has no VERSION_ID"
  mine="$id $version $(uname -m)"
  [[ "${built[1]}" == "$mine" ]] ||
    die "'dnf info munge' finds no munge package, and the munge build of $HPC_HA_OWN_CLUSTER's head node is for ${built[1]} while this node runs $mine; run the clusters on this node's OS or add a repository that has munge"
  install_if_changed "$src/munged" "$MUNGE_PREFIX/sbin/munged" 0755
  install_if_changed "$src/munge" "$MUNGE_PREFIX/bin/munge" 0755
  install_if_changed "$src/unmunge" "$MUNGE_PREFIX/bin/unmunge" 0755
  install_if_changed "$src/libmunge.so.2" "$MUNGE_PREFIX/lib/libmunge.so.2" 0644
  # The Slurm client's auth_munge plugin loads libmunge.so.2 through the loader's search path.
  printf '%s\n' "${MUNGE_PREFIX#"$R"}/lib" | write_if_changed "$R/etc/ld.so.conf.d/hpc-ha-munge.conf" 0644
  ldconfig
  getent group munge >/dev/null || groupadd --system munge
  getent passwd munge >/dev/null ||
    useradd --system --gid munge --home-dir /var/lib/munge --no-create-home --shell /sbin/nologin munge
  mkdir -p "$R/etc/munge" "$R/var/lib/munge" "$R/var/log/munge"
  chmod 0700 "$R/etc/munge" "$R/var/log/munge"
  chmod 0711 "$R/var/lib/munge"
  chown munge:munge "$R/etc/munge" "$R/var/lib/munge" "$R/var/log/munge"
  write_if_changed "$R/etc/systemd/system/munge.service" 0644 <<EOF
[Unit]
Description=MUNGE authentication service (${built[0]} from the head node of $HPC_HA_OWN_CLUSTER, installed by hpc-ha)
After=network-online.target time-sync.target
Wants=network-online.target

[Service]
Type=simple
ExecStart=${MUNGE_PREFIX#"$R"}/sbin/munged --foreground
User=munge
Group=munge
RuntimeDirectory=munge
RuntimeDirectoryMode=0755
Restart=on-failure

[Install]
WantedBy=multi-user.target
EOF
  if ((WROTE)); then
    MUNGE_CHANGED=1
    systemctl daemon-reload
  fi
  log "munge ${built[0]} installed from the head node of $HPC_HA_OWN_CLUSTER"
}

install_munge() {
  step "munge"
  install_munge_software
  local key="$R/etc/munge/munge.key" tmp
  mkdir -p "$(dirname "$key")"
  tmp="$(mktemp "$key.hpc-ha.XXXXXX")"
  TEMP_FILES+=("$tmp")
  chmod 0400 "$tmp"
  secret_string "$HPC_HA_MUNGE_SECRET_ARN" | base64 -d >"$tmp" || die "the munge key secret is not base64"
  [[ "$(stat -c %s "$tmp")" -ge 32 ]] || die "the munge key is shorter than 32 bytes"
  chown munge:munge "$tmp"
  if [[ -f "$key" ]] && cmp -s "$tmp" "$key" && ((MUNGE_CHANGED == 0)); then
    rm -f "$tmp"
    systemctl enable --now munge
  else
    mv -f "$tmp" "$key"
    systemctl enable munge
    systemctl restart munge
    log "munge key installed"
  fi
}

# Installs the pcluster CLI of HPC_HA_PCLUSTER_VERSION in its own virtualenv, from HPC_HA_PCLUSTER_PIP_INDEX_URL when
# set (a PyPI mirror in China), unless that version is already there. Sets PCLUSTER_CLI to its path.
ensure_pcluster_cli() {
  local venv="$R/opt/hpc-ha/pcluster" out version
  PCLUSTER_CLI="$venv/bin/pcluster"
  out="$("$PCLUSTER_CLI" version 2>/dev/null || true)"
  case "$out" in
    '{'*) version="$(jq -r '.version // empty' <<<"$out" 2>/dev/null || true)" ;;
    *) version="${out##*$'\n'}" ;; # 2.x prints the bare version
  esac
  if [[ "$version" != "$HPC_HA_PCLUSTER_VERSION" ]]; then
    log "installing aws-parallelcluster $HPC_HA_PCLUSTER_VERSION"
    python3 -m venv "$venv"
    local -a pip=("$venv/bin/pip" install --quiet "aws-parallelcluster==$HPC_HA_PCLUSTER_VERSION")
    # 2.x imports pkg_resources (gone in setuptools 82) and may get Jinja2 2.11, which breaks with MarkupSafe 2.1+.
    [[ "$HPC_HA_PCLUSTER_VERSION" != 2.* ]] || pip+=("setuptools<82" "MarkupSafe<2.1")
    [[ -z "$HPC_HA_PCLUSTER_PIP_INDEX_URL" ]] || pip+=(--index-url "$HPC_HA_PCLUSTER_PIP_INDEX_URL")
    "${pip[@]}"
  fi
}

# The cluster config into PCLUSTER_CONFIG_TEXT: given inline (HPC_HA_PCLUSTER_CONFIG), or an S3 object whose SHA-256
# must match, with its <Placeholder>s replaced by this deployment's values (HPC_HA_PCLUSTER_CONFIG_VALUES, one
# "placeholder<TAB>value" per line), so that user data stays the same size whatever the number of queues.
PCLUSTER_CONFIG_TEXT=""
pcluster_config_text() {
  local file placeholder value left
  if [[ -z "${HPC_HA_PCLUSTER_CONFIG_URI:-}" ]]; then
    PCLUSTER_CONFIG_TEXT="$HPC_HA_PCLUSTER_CONFIG"
    return 0
  fi
  file="$LOCAL_STATE/pcluster-config.template"
  fetch "$HPC_HA_PCLUSTER_CONFIG_URI" "$file" "$HPC_HA_PCLUSTER_CONFIG_SHA256"
  PCLUSTER_CONFIG_TEXT="$(cat "$file" && printf x)"
  PCLUSTER_CONFIG_TEXT="${PCLUSTER_CONFIG_TEXT%x}"
  while IFS=$'\t' read -r placeholder value; do
    [[ -n "$placeholder" ]] || continue
    PCLUSTER_CONFIG_TEXT="${PCLUSTER_CONFIG_TEXT//"$placeholder"/"$value"}"
  done <<<"$HPC_HA_PCLUSTER_CONFIG_VALUES"
  left="$(grep -o -m 1 '<[A-Za-z][A-Za-z0-9]*>' <<<"$PCLUSTER_CONFIG_TEXT" | head -n 1)" || true
  [[ -z "$left" ]] || die "the cluster config from ${HPC_HA_PCLUSTER_CONFIG_URI%%\?*} still has $left after filling in this deployment's values"
}

provision_cluster() {
  [[ -n "$HPC_HA_PCLUSTER_VERSION" ]] || return 0
  step "pcluster"
  if [[ "$HPC_HA_PCLUSTER_VERSION" == 2.* ]]; then
    provision_cluster_v2
    return 0
  fi
  local name="$HPC_HA_OWN_CLUSTER" pc status out rc deadline created=0
  # The config first: a wrong object stops the node before it installs a CLI.
  pcluster_config_text
  ensure_pcluster_cli
  pc="$PCLUSTER_CLI"
  printf '%s' "$PCLUSTER_CONFIG_TEXT" | write_if_changed "$R/etc/hpc-ha/pcluster/$name.yaml" 0600
  deadline=$((SECONDS + HPC_HA_PCLUSTER_WAIT_SECONDS))
  while :; do
    rc=0
    out="$("$pc" describe-cluster --cluster-name "$name" --region "$HPC_HA_REGION" 2>&1)" || rc=$?
    if ((rc == 0)); then
      status="$(jq -r '.clusterStatus // "UNKNOWN"' <<<"$out")"
    elif grep -q 'does not exist' <<<"$out"; then
      status="NOT_FOUND"
    else
      printf '%s\n' "$out"
      die "pcluster describe-cluster failed for $name"
    fi
    case "$status" in
      CREATE_COMPLETE | UPDATE_COMPLETE | UPDATE_ROLLBACK_COMPLETE)
        log "cluster $name is $status"
        return 0
        ;;
      NOT_FOUND)
        ((created == 0)) || die "cluster $name disappeared after create-cluster"
        log "creating cluster $name"
        "$pc" create-cluster --cluster-name "$name" --cluster-configuration "$R/etc/hpc-ha/pcluster/$name.yaml" \
          --region "$HPC_HA_REGION" --rollback-on-failure false
        created=1
        ;;
      CREATE_IN_PROGRESS | UPDATE_IN_PROGRESS) ;;
      *) die "cluster $name is $status; fix or delete it, then re-run" ;;
    esac
    ((SECONDS < deadline)) || die "cluster $name not ready after $HPC_HA_PCLUSTER_WAIT_SECONDS s (last status $status)"
    sleep "$HPC_HA_POLL_SECONDS"
  done
}

# The last "Status: X" of 2.x `pcluster status` output (it redraws the line with carriage returns).
pcluster2_status() {
  local line status=""
  while IFS= read -r line; do
    if [[ "$line" == "Status: "* ]]; then status="${line#Status: }"; fi
  done <<<"${1//$'\r'/$'\n'}"
  printf '%s\n' "${status%% *}"
}

# Legacy ParallelCluster 2.10/2.11: `pcluster create -c <ini> <name>` makes stack parallelcluster-<name>;
# `pcluster status --nowait` reports the stack status, and without --nowait, once complete, the head node's
# MasterPrivateIP. Describe before create, so a re-run or a replacement node adopts the existing cluster.
provision_cluster_v2() {
  local name="$HPC_HA_OWN_CLUSTER" pc conf status out rc deadline created=0 head_ip
  pcluster_config_text
  ensure_pcluster_cli
  pc="$PCLUSTER_CLI"
  conf="$R/etc/hpc-ha/pcluster/$name.ini"
  printf '%s' "$PCLUSTER_CONFIG_TEXT" | write_if_changed "$conf" 0600
  deadline=$((SECONDS + HPC_HA_PCLUSTER_WAIT_SECONDS))
  while :; do
    rc=0
    out="$("$pc" status --config "$conf" --region "$HPC_HA_REGION" --nowait "$name" 2>&1)" || rc=$?
    if ((rc == 0)); then
      status="$(pcluster2_status "$out")"
      status="${status:-UNKNOWN}"
    elif grep -q 'does not exist' <<<"$out"; then
      status="NOT_FOUND"
    else
      printf '%s\n' "$out"
      die "pcluster status failed for $name"
    fi
    case "$status" in
      CREATE_COMPLETE | UPDATE_COMPLETE | UPDATE_ROLLBACK_COMPLETE)
        log "cluster $name (stack parallelcluster-$name) is $status"
        break
        ;;
      NOT_FOUND)
        ((created == 0)) || die "cluster $name (stack parallelcluster-$name) disappeared after pcluster create"
        log "creating cluster $name (ParallelCluster $HPC_HA_PCLUSTER_VERSION)"
        "$pc" create --config "$conf" --region "$HPC_HA_REGION" --nowait --norollback "$name"
        created=1
        ;;
      CREATE_IN_PROGRESS | UPDATE_IN_PROGRESS | UPDATE_COMPLETE_CLEANUP_IN_PROGRESS | \
        UPDATE_ROLLBACK_IN_PROGRESS | UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS) ;;
      *) die "cluster $name (stack parallelcluster-$name) is $status; fix or delete it, then re-run" ;;
    esac
    ((SECONDS < deadline)) || die "cluster $name not ready after $HPC_HA_PCLUSTER_WAIT_SECONDS s (last status $status)"
    sleep "$HPC_HA_POLL_SECONDS"
  done
  out="$("$pc" status --config "$conf" --region "$HPC_HA_REGION" "$name" 2>&1)" ||
    die "pcluster status failed for $name after it became ready"
  head_ip="$(sed -n 's/^MasterPrivateIP: *//p' <<<"${out//$'\r'/$'\n'}" | tail -n 1)"
  [[ "$head_ip" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] ||
    die "cluster $name reports no MasterPrivateIP; is its head node running? ($(pcluster2_status "$out"))"
  PCLUSTER_HEAD_IP="$head_ip"
  log "head node of $name at $head_ip"
}

# Sources a cluster.env in a clean shell (nothing of ours visible to it) and prints its values.
read -r -d '' CLUSTER_ENV_READER <<'EOF' || true
set -eu
# shellcheck source=/dev/null
source "$1"
printf '%s\n' "$HPC_HA_CLUSTER_NAME" "$HPC_HA_SLURMCTLD_HOST" "$HPC_HA_SLURMCTLD_ADDR" \
  "$HPC_HA_SLURMCTLD_PORT" "$HPC_HA_SLURM_VERSION" "$HPC_HA_SLURM_PREFIX"
EOF
readonly CLUSTER_ENV_READER

# Reads the variables a head node published in cluster.env into CLUSTER_* globals, and checks them.
read_cluster_env() {
  local file="$1"
  local -a values
  mapfile -t values < <(env -i PATH=/usr/bin:/bin bash -c "$CLUSTER_ENV_READER" _ "$file")
  ((${#values[@]} == 6)) || die "${file#"$R"} is incomplete"
  CLUSTER_NAME="${values[0]}" CLUSTER_ADDR="${values[2]}" CLUSTER_VERSION="${values[4]}" CLUSTER_PREFIX="${values[5]}"
  [[ "$CLUSTER_ADDR" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] || die "${file#"$R"}: bad HPC_HA_SLURMCTLD_ADDR"
  [[ "$CLUSTER_VERSION" =~ ^[0-9][0-9A-Za-z.-]*$ ]] || die "${file#"$R"}: bad HPC_HA_SLURM_VERSION"
  [[ "$CLUSTER_PREFIX" =~ ^/[A-Za-z0-9._/-]+$ ]] || die "${file#"$R"}: bad HPC_HA_SLURM_PREFIX"
}

# Copies the Slurm client build of this AZ's head node to the local disk, so the portal keeps working
# when the other AZ (or this AZ's head node) is gone.
copy_slurm_binaries() {
  local stamp="$SLURM_PREFIX/.hpc-ha-slurm-version" src staging
  if [[ -f "$stamp" && "$(<"$stamp")" == "$CLUSTER_VERSION" ]]; then
    log "local Slurm $CLUSTER_VERSION already present"
    return 0
  fi
  mkdir -p "$R/run/hpc-ha"
  src="$(mktemp -d "$R/run/hpc-ha/slurm-src.XXXXXX")"
  TEMP_MOUNTS+=("$src")
  mount -t nfs -o ro,nolock "$CLUSTER_ADDR:$CLUSTER_PREFIX" "$src"
  staging="$SLURM_PREFIX.hpc-ha-new"
  rm -rf "$staging"
  mkdir -p "$staging"
  cp -a "$src/." "$staging/"
  umount "$src"
  rmdir "$src"
  printf '%s\n' "$CLUSTER_VERSION" >"$staging/.hpc-ha-slurm-version"
  rm -rf "$SLURM_PREFIX.hpc-ha-old"
  if [[ -e "$SLURM_PREFIX" ]]; then mv "$SLURM_PREFIX" "$SLURM_PREFIX.hpc-ha-old"; fi
  mv "$staging" "$SLURM_PREFIX"
  rm -rf "$SLURM_PREFIX.hpc-ha-old"
  log "copied Slurm $CLUSTER_VERSION from $CLUSTER_ADDR"
}

# sync_clusters WAIT_FOR_OWN: a client config per published cluster; this AZ's cluster is required
# (bounded wait) at boot, the others are configured when present and picked up later by the timer.
sync_clusters() {
  step "clusters"
  local require_own="$1" name dir own_version=""
  for name in $HPC_HA_CLUSTERS; do
    dir="$PUBLISHED_DIR/$name"
    if [[ "$name" == "$HPC_HA_OWN_CLUSTER" && "$require_own" == yes ]]; then
      wait_for "$dir/cluster.env" "$HPC_HA_CLUSTER_WAIT_SECONDS" "the head node of $name to publish" ||
        die "cluster $name did not publish ${dir#"$R"}/cluster.env within $HPC_HA_CLUSTER_WAIT_SECONDS s"
    elif [[ ! -f "$dir/cluster.env" ]]; then
      log "cluster $name has not published yet; the re-sync timer will add it"
      continue
    fi
    read_cluster_env "$dir/cluster.env"
    [[ "$CLUSTER_NAME" == "$name" ]] || die "${dir#"$R"}/cluster.env names cluster '$CLUSTER_NAME'"
    if [[ "$name" == "$HPC_HA_OWN_CLUSTER" && -n "$PCLUSTER_HEAD_IP" && "$CLUSTER_ADDR" != "$PCLUSTER_HEAD_IP" ]]; then
      die "${dir#"$R"}/cluster.env names head node $CLUSTER_ADDR but pcluster reports $PCLUSTER_HEAD_IP; the publication is stale"
    fi
    [[ -f "$dir/slurm.conf" ]] || die "${dir#"$R"}/slurm.conf is missing"
    write_if_changed "$SLURM_CONF_DIR/$name/slurm.conf" 0644 <"$dir/slurm.conf"
    ((WROTE == 0)) || log "client config for $name updated"
    if [[ "$name" == "$HPC_HA_OWN_CLUSTER" ]]; then
      copy_slurm_binaries
      own_version="$CLUSTER_VERSION"
    elif [[ -f "$SLURM_PREFIX/.hpc-ha-slurm-version" && "$(<"$SLURM_PREFIX/.hpc-ha-slurm-version")" != "$CLUSTER_VERSION" ]]; then
      log "WARNING: cluster $name runs Slurm $CLUSTER_VERSION, the local client is $(<"$SLURM_PREFIX/.hpc-ha-slurm-version")"
    fi
  done
  if [[ -n "$own_version" ]]; then
    write_if_changed "$R/etc/profile.d/hpc-ha-slurm.sh" 0644 <<EOF
# Slurm client of this portal node (hpc-ha); SLURM_CONF selects this AZ's cluster by default.
export PATH="$HPC_HA_LOCAL_SLURM_PREFIX/bin:\$PATH"
export SLURM_CONF="$HPC_HA_SLURM_CONFIG_DIR/$HPC_HA_OWN_CLUSTER/slurm.conf"
EOF
  fi
}

register_member() {
  step "register"
  printf '%s\n' "$MY_IP" | write_if_changed "$MEMBERS_DIR/node$HPC_HA_NODE_INDEX" 0644
  log "registered $MY_IP as enterprise member node$HPC_HA_NODE_INDEX"
}

# The enterprise member list from the registry, `ip:port` joined by commas, in node order.
member_list() {
  local f ip list=""
  for f in "$MEMBERS_DIR"/node*; do
    [[ -f "$f" ]] || continue
    ip="$(<"$f")"
    [[ "$ip" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] || continue
    list+="${list:+,}$ip:$HPC_HA_EF_ENTERPRISE_PORT"
  done
  printf '%s' "$list"
}

# Replaces the boot-time markers of rendered text (already .properties-safe values).
fill_boot_values() {
  local text="$1" members
  props_escape "$(member_list)"
  members="$PROPS_ESCAPED"
  text="${text//"@HPC_HA_JAVA_HOME@"/"$JAVA_HOME_DIR"}"
  text="${text//"@HPC_HA_HOSTNAME@"/"$(hostname -s)"}"
  text="${text//"@HPC_HA_ENTERPRISE_SERVERS@"/"$members"}"
  FILLED="$text"
}

# Bounded wait until the database endpoint resolves and accepts TCP connections: the installer and the server
# both need it, and right after creation (or during a failover) Aurora may not answer yet.
wait_for_database() {
  step "database"
  local host="$HPC_HA_DB_HOST" port="$HPC_HA_DB_PORT" deadline addr="" why
  # shellcheck disable=SC2016 # expanded by the inner shell, from its own arguments
  local probe='exec 3<>"/dev/tcp/$1/$2"'
  deadline=$((SECONDS + HPC_HA_DB_WAIT_SECONDS))
  while :; do
    addr="$(getent ahostsv4 "$host" 2>/dev/null | awk 'NR == 1 { print $1 }')" || addr=""
    if [[ -z "$addr" ]]; then
      why="$host does not resolve"
    elif timeout 5 bash -c "$probe" _ "$addr" "$port" 2>/dev/null; then
      log "database $host:$port ($addr) accepts connections"
      return 0
    else
      why="$host:$port ($addr) refuses or drops connections"
    fi
    ((SECONDS < deadline)) || die "database not reachable after $HPC_HA_DB_WAIT_SECONDS s: $why"
    log "waiting for the database: $why; $((deadline - SECONDS)) s left"
    sleep "$HPC_HA_POLL_SECONDS"
  done
}

# The licence file, when the spec gives one, on EFS where the installer and both nodes find it; refreshed when its
# checksum or URI changes.
ensure_license() {
  [[ -n "$HPC_HA_LICENSE_URI" ]] || return 0
  local file="$R$HPC_HA_LICENSE_FILE" stamp="$R$HPC_HA_LICENSE_FILE.source" want
  want="$HPC_HA_LICENSE_URI $HPC_HA_LICENSE_SHA256"
  if [[ -f "$file" && -f "$stamp" && "$(<"$stamp")" == "$want" ]]; then return 0; fi
  fetch "$HPC_HA_LICENSE_URI" "$file" "$HPC_HA_LICENSE_SHA256"
  chmod 0644 "$file"
  printf '%s\n' "$want" >"$stamp"
  CONFIG_CHANGED=1
  log "EnginFrame licence file installed at $HPC_HA_LICENSE_FILE"
}

install_enginframe() {
  step "install"
  if [[ -f "$INSTALL_MARKER" ]]; then
    log "EnginFrame already installed on EFS ($(<"$INSTALL_MARKER")); not reinstalling"
    return 0
  fi
  # No marker but a tree: an earlier install stopped half-way (or the marker was removed). Installing over it would
  # mix two installs, and moving it aside could hide a working install: a person decides.
  if [[ -d "$EF_TOP" ]] && [[ -n "$(ls -A "$EF_TOP")" ]]; then
    die "${EF_TOP#"$R"} is not empty but has no install marker ${INSTALL_MARKER#"$R"}: an earlier EnginFrame install did not finish. To recover: keep node 2 stopped, move the tree aside (mv ${EF_TOP#"$R"} ${EF_TOP#"$R"}.failed), empty the EnginFrame database if the installer created tables in it, then re-run ${SELF_COPY#"$R"} or replace this instance. If it is a complete install whose marker was lost, restore the marker instead (echo version=$HPC_HA_EF_VERSION >${INSTALL_MARKER#"$R"})"
  fi
  local downloads="$LOCAL_STATE/downloads" jar driver config password lib
  jar="$downloads/enginframe-$HPC_HA_EF_VERSION.jar"
  driver="$downloads/jdbc-driver.jar"
  fetch "$HPC_HA_INSTALLER_URI" "$jar" "$HPC_HA_INSTALLER_SHA256"
  fetch "$HPC_HA_JDBC_DRIVER_URI" "$driver" "$HPC_HA_JDBC_DRIVER_SHA256"

  fill_boot_values "$HPC_HA_EFINSTALL_CONFIG"
  password="$(secret_string "$HPC_HA_DB_SECRET_ARN" | jq -er '.password | strings')" ||
    die "the database secret has no string key 'password'"
  props_escape "$password"
  unset password
  mkdir -p "$LOCAL_STATE"
  config="$(umask 077 && mktemp "$LOCAL_STATE/efinstall.config.XXXXXX")"
  TEMP_FILES+=("$config")
  {
    printf '%s' "$FILLED"
    printf '\n# Added on the node from Secrets Manager; this file is deleted after the install.\n'
    printf 'kernel.ef.db.admin.password = %s\n' "$PROPS_ESCAPED"
  } >"$config"
  PROPS_ESCAPED=""
  log "running the EnginFrame $HPC_HA_EF_VERSION installer"
  (cd "$downloads" && umask 022 && "$JAVA_HOME_DIR/bin/java" -jar "$jar" --text --batch -f "$config")
  rm -f "$config"

  lib="$EF_TOP/$HPC_HA_EF_VERSION/enginframe/WEBAPP/WEB-INF/lib"
  [[ -d "$lib" ]] || die "the installer did not create ${lib#"$R"}"
  install -m 0644 "$driver" "$lib/mysql-connector-j.jar"
  # The marker is written last: its presence means the shared install is complete.
  printf 'version=%s\ninstalled-by=node%s %s\n' "$HPC_HA_EF_VERSION" "$HPC_HA_NODE_INDEX" "$MY_IP" |
    write_if_changed "$INSTALL_MARKER" 0644
  log "EnginFrame installed"
}

wait_for_install() {
  step "join"
  wait_for "$INSTALL_MARKER" "$HPC_HA_INSTALL_WAIT_SECONDS" "node 1 to finish the EnginFrame install" ||
    die "no EnginFrame install marker ${INSTALL_MARKER#"$R"} after $HPC_HA_INSTALL_WAIT_SECONDS s"
  log "found the shared install ($(<"$INSTALL_MARKER"))"
}

configure_enginframe() {
  step "configure"
  fill_boot_values "$HPC_HA_SERVER_CONF_SETTINGS"
  apply_managed_block "$EF_TOP/conf/enginframe/server.conf" "$FILLED"
  fill_boot_values "$HPC_HA_AGENT_CONF_SETTINGS"
  apply_managed_block "$EF_TOP/conf/enginframe/agent.conf" "$FILLED"
  fill_boot_values "$HPC_HA_ENGINFRAME_CONF_SETTINGS"
  apply_managed_block "$EF_TOP/conf/enginframe.conf" "$FILLED"
  write_if_changed "$EF_TOP/$HPC_HA_EF_SLURM_CONF_PATH" 0644 < <(printf '%s' "$HPC_HA_EF_SLURM_CONF")
  if ((WROTE)); then
    CONFIG_CHANGED=1
    log "wrote ef.slurm.conf"
  fi
}

start_enginframe() {
  step "service"
  if ! systemctl is-enabled --quiet enginframe; then
    log "registering the enginframe service on this host"
    "$EF_TOP/bin/enginframe" host-setup --roles=server,agent --boot=y
  fi
  if ((CONFIG_CHANGED)) && systemctl is-active --quiet enginframe; then
    systemctl restart enginframe
    log "enginframe restarted (configuration changed)"
  else
    systemctl start enginframe
  fi
}

# Success is signalled only once this node serves the portal as the load balancer will see it.
wait_for_enginframe() {
  step "health"
  local url="https://localhost:$HPC_HA_EF_HTTPS_PORT/$HPC_HA_EF_ROOT_CONTEXT/" code deadline
  deadline=$((SECONDS + HPC_HA_SERVICE_WAIT_SECONDS))
  while :; do
    # Tomcat's certificate is self-signed for this host: -k, as the load balancer's health check does.
    code="$(curl -ks -o /dev/null -w '%{http_code}' --connect-timeout 5 --max-time 20 "$url" || true)"
    if [[ "$code" =~ ^[23][0-9][0-9]$ ]]; then
      log "EnginFrame answers $url with HTTP $code"
      return 0
    fi
    if ((SECONDS >= deadline)); then
      die "EnginFrame did not answer $url with 2xx/3xx within $HPC_HA_SERVICE_WAIT_SECONDS s (last: ${code:-no answer}); see ${EF_TOP#"$R"}/logs/$(hostname -s)/"
    fi
    log "waiting for EnginFrame at $url (last: ${code:-no answer}), $((deadline - SECONDS)) s left"
    sleep "$HPC_HA_POLL_SECONDS"
  done
}

install_resync_timer() {
  ((HPC_HA_RESYNC_MINUTES > 0)) || return 0
  step "timer"
  local units="$R/etc/systemd/system"
  write_if_changed "$units/hpc-ha-portal-resync.service" 0644 <<EOF
[Unit]
Description=hpc-ha: refresh Slurm client configs from what the head nodes published on EFS
After=remote-fs.target

[Service]
Type=oneshot
ExecStart=${SELF_COPY#"$R"} resync
EOF
  write_if_changed "$units/hpc-ha-portal-resync.timer" 0644 <<EOF
[Unit]
Description=hpc-ha: periodic Slurm client config re-sync

[Timer]
OnBootSec=${HPC_HA_RESYNC_MINUTES}min
OnUnitActiveSec=${HPC_HA_RESYNC_MINUTES}min

[Install]
WantedBy=timers.target
EOF
  systemctl daemon-reload
  systemctl enable --now hpc-ha-portal-resync.timer
}

# ---------------------------------------------------------------------------------------------------

main() {
  setup_logging
  trap on_exit EXIT
  trap 'on_error "$?" "$LINENO" "$BASH_COMMAND"' ERR
  log "start ($MODE) in $HPC_HA_REGION ($HPC_HA_PARTITION)"
  case "$MODE" in
    boot)
      install_packages
      persist_for_resync
      restrict_imds
      discover_instance
      mount_filesystems
      create_accounts
      configure_directory
      provision_cluster
      sync_clusters yes
      # After the clusters: munge may come from this AZ's head node, which publishes once its cluster is up.
      install_munge
      register_member
      # Node 2 only waits for the marker; node 1 alone installs. The lock on EFS serialises the
      # shared-file edits of both nodes (and of a manual re-run) without deciding any role.
      [[ "$HPC_HA_NODE_INDEX" == 1 ]] || wait_for_install
      wait_for_database
      exec 9>"$STATE_DIR/install.lock"
      flock -w "$HPC_HA_INSTALL_WAIT_SECONDS" 9 || die "could not lock ${STATE_DIR#"$R"}/install.lock"
      ensure_license
      [[ "$HPC_HA_NODE_INDEX" != 1 ]] || install_enginframe
      configure_enginframe
      flock -u 9
      start_enginframe
      wait_for_enginframe
      install_resync_timer
      ;;
    resync)
      mkdir -p "$LOCAL_STATE"
      exec 9>"$LOCAL_STATE/resync.lock"
      flock -n 9 || {
        log "another re-sync is running"
        exit 0
      }
      retry_optional_mounts
      sync_clusters no
      ;;
    imds)
      [[ -r "$R/etc/hpc-ha/imds-allowed-uids" ]] || die "no /etc/hpc-ha/imds-allowed-uids: the boot never reached its imds step"
      apply_imds_rules "$(<"$R/etc/hpc-ha/imds-allowed-uids")"
      ;;
    *) die "unknown mode '$MODE' (boot, resync or imds)" ;;
  esac
}

main "$@"
