# shellcheck shell=bash
# hpc-ha portal node steps (@hpc-ha/portal-node): what every portal node does, whichever portal it serves. Both portal
# programs carry this text (render inserts it), so each guarantee is written once: storage (this AZ's file systems
# required, another AZ's `nofail` and automounted), the instance-metadata firewall, secrets root-only and never in an
# argument list, munge and the Slurm client (only a build for this node's OS and architecture), sssd through
# @hpc-ha/sssd-config's step, bounded waits, a signal that names the failing step, and the re-sync timer.
#
# The host program sets, before this text: NODE_TAG (its log tag), NODE_TITLE (how the signal names the node),
# NODE_SETTINGS (file name of its settings copy under /etc/hpc-ha) and NODE_PROGRAM (its own name under
# /usr/local/sbin); the HPC_HA_* settings come from the block render writes above the program, or from the settings
# copy when the timer runs it. It defines portal_cluster_synced NAME ADDR (called for each published cluster; may do
# nothing) and portal_boot (its boot steps), and ends with `node_main`. Usage of the program: <script> [boot|resync|imds] (boot is the default; resync adds and refreshes the
# clusters and retries the other AZ's FSx; imds re-applies the metadata firewall, run by its unit at every boot).

# Test-only prefix for every system path; empty on a real node.
readonly R="${HPC_HA_SYSROOT:-}"
readonly ENV_FILE="$R/etc/hpc-ha/$NODE_SETTINGS"
if [[ -z "${HPC_HA_REGION+x}" && -r "$ENV_FILE" ]]; then
  # shellcheck source=/dev/null
  source "$ENV_FILE"
fi
readonly MODE="${1:-boot}"
readonly LOCAL_STATE="$R/var/lib/hpc-ha"
readonly LOG_FILE="$R$HPC_HA_LOG_FILE"
readonly SELF_COPY="$R/usr/local/sbin/$NODE_PROGRAM"
readonly EFS_DIR="$R$HPC_HA_EFS_MOUNT_DIR"
readonly PUBLISHED_DIR="$EFS_DIR/$HPC_HA_PUBLICATION_ROOT/clusters"
readonly SLURM_CONF_DIR="$R$HPC_HA_SLURM_CONFIG_DIR"
readonly SLURM_PREFIX="$R$HPC_HA_LOCAL_SLURM_PREFIX"
readonly IMDS_CHAIN=HPC_HA_IMDS
readonly IMDS_UNIT=hpc-ha-imds-access.service
readonly MUNGE_PREFIX="$R/opt/hpc-ha/munge"

CURRENT_STEP="start"
FAIL_REASON=""
TEMP_FILES=()
TEMP_MOUNTS=()
INSTANCE_ID=""
WROTE=0
MUNGE_CHANGED=0

log() { printf '%s %s node%s [%s] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$NODE_TAG" "$HPC_HA_NODE_INDEX" "$CURRENT_STEP" "$*"; }
# The reason is also kept in a file: a failure inside $(...) happens in a subshell, and the signal should still name it.
die() {
  FAIL_REASON="$*"
  printf '%s\n' "$*" >"$LOCAL_STATE/last-failure" 2>/dev/null || true
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
  for f in "${TEMP_FILES[@]}"; do rm -rf "$f"; done
}

# Tells CloudFormation how the boot ended. cloud-init's PATH lacks /opt/aws/bin, where aws-cfn-bootstrap installs; a
# missed signal costs the whole CreationPolicy timeout, so: that cfn-signal, then one on PATH, then the CLI.
signal_cloudformation() {
  local rc="$1" code=0 status=SUCCESS reason="$NODE_TITLE node $HPC_HA_NODE_INDEX is ready" endpoint cfn
  [[ "$MODE" == boot && -n "$HPC_HA_SIGNAL_STACK" ]] || return 0
  if ((rc != 0)); then
    code=1 status=FAILURE
    [[ -n "$FAIL_REASON" || ! -f "$LOCAL_STATE/last-failure" ]] || FAIL_REASON="$(head -n 1 "$LOCAL_STATE/last-failure")"
    reason="$NODE_TITLE node $HPC_HA_NODE_INDEX failed in step '$CURRENT_STEP'${FAIL_REASON:+: ${FAIL_REASON:0:300}} (log: $HPC_HA_LOG_FILE)"
  fi
  # An explicit endpoint built from the URL suffix keeps the signal inside the partition.
  endpoint="https://cloudformation.$HPC_HA_SIGNAL_REGION.$HPC_HA_URL_SUFFIX"
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
  # CloudFormation shows only a signal's status and reason, so the reason also goes where an operator looks.
  if ((rc != 0)); then
    [[ -n "$FAIL_REASON" || ! -f "$LOCAL_STATE/last-failure" ]] || FAIL_REASON="$(head -n 1 "$LOCAL_STATE/last-failure")"
    printf '%s bootstrap (%s) failed in step %s: %s (log: %s)\n' "$NODE_TITLE" "$MODE" "$CURRENT_STEP" "${FAIL_REASON:-status $rc}" \
      "$HPC_HA_LOG_FILE" >&8 2>/dev/null || true
  fi
  signal_cloudformation "$rc"
  exit "$rc"
}

on_error() { log "command failed (status $1) at line $2: $3"; }

# The start of every run: the log, the exit and error traps (the signal), and a first line.
start_run() {
  setup_logging
  trap on_exit EXIT
  trap 'on_error "$?" "$LINENO" "$BASH_COMMAND"' ERR
  log "start ($MODE) in $HPC_HA_REGION ($HPC_HA_PARTITION)"
}

# ---------------------------------------------------------------------------------------------------
# Helpers

# write_if_changed FILE MODE < content: atomic rename in the same directory; WROTE=1 when the file changed. The
# temporary file has its final mode before any byte is written.
write_if_changed() {
  local file="$1" mode="$2" tmp
  WROTE=0
  mkdir -p "$(dirname "$file")"
  tmp="$(umask 077 && mktemp "$file.hpc-ha.XXXXXX")"
  TEMP_FILES+=("$tmp")
  chmod "$mode" "$tmp"
  cat >"$tmp"
  if [[ -f "$file" ]] && cmp -s "$tmp" "$file"; then
    rm -f "$tmp"
    return 0
  fi
  mv -f "$tmp" "$file"
  WROTE=1
}

# A root-only curl config on stdin carries the header or URL that holds a credential (the metadata token, a
# pre-signed query string): curl reads it from there, so it never shows in `ps`.
curl_with_config() {
  curl --config - "$@"
}

imds() {
  local token
  token="$(curl -fsS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' --connect-timeout 5 --max-time 10 --retry 3 \
    http://169.254.169.254/latest/api/token)" || return 1
  printf 'header = "X-aws-ec2-metadata-token: %s"\n' "$token" |
    curl_with_config -fsS --connect-timeout 5 --max-time 10 --retry 3 "http://169.254.169.254/latest/meta-data/$1"
}

# Prints a secret's SecretString to stdout (never to a file or an argument list).
secret_string() {
  aws secretsmanager get-secret-value --region "$HPC_HA_REGION" --secret-id "$1" --query SecretString --output text ||
    die "cannot read secret $1 from Secrets Manager"
}

# secret_value ARN [JSON_KEY]: the secret, or one string key of a JSON secret, on stdout.
secret_value() {
  local value
  value="$(secret_string "$1")" || exit 1
  if [[ -n "${2:-}" ]]; then
    jq -er --arg k "$2" '.[$k] | strings' <<<"$value" || die "secret $1 has no string key '$2'"
  else
    printf '%s' "$value"
  fi
}

# fetch URI DEST [SHA256] [WHAT]: s3:// through the instance role, https:// with curl (bounded); checks the digest.
fetch() {
  local uri="$1" dest="$2" sha="${3:-}" what="${4:-${1%%\?*}}" part="$2.part" actual
  mkdir -p "$(dirname "$dest")"
  TEMP_FILES+=("$part")
  # Query strings (pre-signed URLs) carry credentials: never logged, never an argument.
  log "downloading ${uri%%\?*}"
  case "$uri" in
    s3://*) aws s3 cp --only-show-errors --region "$HPC_HA_REGION" "$uri" "$part" || die "cannot download $what from ${uri%%\?*}" ;;
    https://*)
      printf 'url = "%s"\n' "$uri" | curl_with_config -fsSL --retry 3 --retry-delay 5 --connect-timeout 20 \
        --max-time "$HPC_HA_SOURCE_TIMEOUT_SECONDS" -o "$part" ||
        die "cannot download $what from ${uri%%\?*} (unreachable or refused within $HPC_HA_SOURCE_TIMEOUT_SECONDS s)"
      ;;
    *) die "unsupported URI scheme in ${uri%%\?*} (use s3:// or https://)" ;;
  esac
  if [[ -n "$sha" ]]; then
    actual="$(sha256sum "$part")"
    actual="${actual%% *}"
    if [[ "$actual" != "$sha" ]]; then
      rm -f "$part"
      die "SHA-256 mismatch for $what: expected $sha, got $actual; refusing to continue"
    fi
    log "SHA-256 verified for $what"
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

# wait_for_https URL WHAT HINT: success is signalled only once this node serves as the load balancer will see it
# (2xx or 3xx; the node's certificate is self-signed, so -k, as the load balancer's health check does).
wait_for_https() {
  local url="$1" what="$2" hint="$3" code deadline
  step "health"
  deadline=$((SECONDS + HPC_HA_SERVICE_WAIT_SECONDS))
  while :; do
    code="$(curl -ks -o /dev/null -w '%{http_code}' --connect-timeout 5 --max-time 20 "$url" || true)"
    if [[ "$code" =~ ^[23][0-9][0-9]$ ]]; then
      log "$what answers $url with HTTP $code"
      return 0
    fi
    if ((SECONDS >= deadline)); then
      die "$what did not answer $url with 2xx/3xx within $HPC_HA_SERVICE_WAIT_SECONDS s (last: ${code:-no answer}); see $hint"
    fi
    log "waiting for $what at $url (last: ${code:-no answer}), $((deadline - SECONDS)) s left"
    sleep "$HPC_HA_POLL_SECONDS"
  done
}

# ---------------------------------------------------------------------------------------------------
# Node steps

setup_logging() {
  mkdir -p "$(dirname "$LOG_FILE")" "$LOCAL_STATE"
  rm -f "$LOCAL_STATE/last-failure"
  # fd 8 keeps the caller's stderr (cloud-init's output: the console and its own log stream) for the verdict.
  exec 8>&2 >>"$LOG_FILE" 2>&1
  # Installer output and downloads land here: root only.
  chmod 0600 "$LOG_FILE"
  chmod 0700 "$LOCAL_STATE"
}

persist_for_resync() {
  step "persist"
  local name
  {
    printf '# hpc-ha portal node settings (no secrets: ARNs only); read by the re-sync timer\n'
    for name in $(compgen -v HPC_HA_); do
      [[ "$name" == HPC_HA_SYSROOT ]] && continue
      printf 'readonly %s=%q\n' "$name" "${!name}"
    done
  } >"$LOCAL_STATE/settings.new"
  write_if_changed "$ENV_FILE" 0600 <"$LOCAL_STATE/settings.new"
  rm -f "$LOCAL_STATE/settings.new"
  if [[ -f "${BASH_SOURCE[0]}" ]]; then
    write_if_changed "$SELF_COPY" 0700 <"${BASH_SOURCE[0]}"
  fi
}

install_packages() {
  step "packages"
  local -a packages
  read -r -a packages <<<"$HPC_HA_PACKAGES"
  dnf install -y --setopt=install_weak_deps=False "${packages[@]}" || die "dnf could not install ${packages[*]}"
}

# The metadata service hands out the node role's credentials, which read every secret of the deployment: only root
# and the named service users may reach it (ParallelCluster restricts its head nodes the same way). The rules live
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
    "$ipt-restore" -w 10 --noflush <<<"$rules" || die "$ipt-restore refused the metadata rules"
    "$ipt" -w 10 -C OUTPUT -d "$addr" -j "$IMDS_CHAIN" 2>/dev/null || "$ipt" -w 10 -I OUTPUT 1 -d "$addr" -j "$IMDS_CHAIN" ||
      die "$ipt could not add the metadata rule"
  done
  log "instance metadata reachable only by UIDs $uids"
}

# HPC_HA_IMDS_ALLOWED_USERS: `name=uid` (a service account this program creates later, with its fixed UID) or `name`
# (an existing user, looked up now).
restrict_imds() {
  step "imds"
  local uids=0 entry uid
  for entry in $HPC_HA_IMDS_ALLOWED_USERS; do
    if [[ "$entry" == *=* ]]; then
      uid="${entry#*=}"
    else
      uid="$(id -u "$entry" 2>/dev/null)" || die "the metadata allow-list names $entry, who does not exist on this node"
    fi
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

reapply_imds_rules() {
  [[ -r "$R/etc/hpc-ha/imds-allowed-uids" ]] || die "no /etc/hpc-ha/imds-allowed-uids: the boot never reached its imds step"
  apply_imds_rules "$(<"$R/etc/hpc-ha/imds-allowed-uids")"
}

discover_instance() {
  step "instance"
  INSTANCE_ID="$(imds instance-id)" || die "the instance metadata service gave no instance id"
  MY_IP="$(imds local-ipv4)" || die "the instance metadata service gave no private IPv4 address"
  [[ "$MY_IP" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] || die "IMDS returned no private IPv4 address"
  log "instance $INSTANCE_ID, private IP $MY_IP"
}

# ensure_mount SPEC DIR TYPE OPTIONS [mount|fstab-only]: adds or replaces DIR's fstab line, then mounts it if needed.
ensure_mount() {
  local spec="$1" dir="$2" type="$3" options="$4" now="${5:-mount}" fstab="$R/etc/fstab"
  mkdir -p "$R$dir" "$(dirname "$fstab")"
  touch "$fstab"
  { awk -v d="$dir" '$2 != d' "$fstab"; printf '%s %s %s %s 0 0\n' "$spec" "$dir" "$type" "$options"; } >"$LOCAL_STATE/fstab.new"
  write_if_changed "$fstab" 0644 <"$LOCAL_STATE/fstab.new"
  rm -f "$LOCAL_STATE/fstab.new"
  [[ "$now" == mount ]] || return 0
  if ! mountpoint -q "$R$dir"; then
    # Bounded (the boot budget counts 5 minutes for storage): a required file system that does not answer fails the boot.
    timeout -k 10 240 mount "$R$dir" || die "cannot mount $spec at $dir (within 240 s)"
    log "mounted $dir"
  fi
}

# FSx for Lustre is single-AZ. This AZ's file system is required; another AZ's is mounted on first use by a systemd
# automount, `nofail`, with a mount timeout and an idle timeout, so its loss neither stops a boot nor keeps a mount
# of a dead server active, and the node never mounts it itself (a Lustre mount of a dead server hangs).
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
      ensure_mount "$dns@tcp:/$name" "$dir" lustre "$FSX_OPTIONS,nofail,x-systemd.automount,x-systemd.mount-timeout=$HPC_HA_FSX_MOUNT_TIMEOUT,x-systemd.idle-timeout=$HPC_HA_FSX_IDLE_TIMEOUT" fstab-only
      automounts+=("$(systemd-escape --path --suffix=automount "$dir")")
    fi
  done <<<"$HPC_HA_FSX_MOUNTS"
  if ((${#automounts[@]})); then
    systemctl daemon-reload
    # Starting an automount unit never waits for the file system itself.
    systemctl start "${automounts[@]}" || log "WARNING: could not start ${automounts[*]}; the re-sync timer retries"
  fi
  mkdir -p "$PUBLISHED_DIR"
}

# Re-sync: re-arms the automount of every other AZ's FSx (after a failed mount systemd may leave it failed) and
# reports whether it is reachable. The probe is bounded and killable (`timeout -k`), and runs without the re-sync
# lock (fd 9): a probe stuck on a dead server must never hold the lock that this node's own cluster re-sync needs.
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
    if timeout -k 5 "$((HPC_HA_FSX_MOUNT_TIMEOUT + 5))" ls "$R$dir/" >/dev/null 2>&1 9>&-; then
      log "FSx $id at $dir is reachable"
    else
      log "WARNING: FSx $id at $dir is unreachable (its AZ may be down); next try in $HPC_HA_RESYNC_MINUTES min"
    fi
  done <<<"$HPC_HA_FSX_MOUNTS"
}

# Directory users (sssd for PAM and NSS) from @hpc-ha/sssd-config's step, whose functions the rendered program
# carries. A function on the left of `||` runs with errexit off, so the step is called on its own and checks every
# command itself: any failure (authselect, sssctl, systemctl) fails the boot.
configure_directory() {
  [[ "$HPC_HA_DIRECTORY_TYPE" != none ]] || return 0
  step "directory"
  local rc=0
  hpc_ha_configure_sssd || rc=$?
  ((rc == 0)) || die "${HPC_HA_SSSD_FAILURE:-the directory step failed} (see the lines above)"
}

# os_release KEY: its value in this node's /etc/os-release, unquoted.
os_release() {
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

# "ID VERSION_ID ARCH" of this node, the form a head node publishes its own in munge.env.
node_platform() {
  local id version
  id="$(os_release ID)" || die "/etc/os-release has no ID"
  version="$(os_release VERSION_ID)" || die "/etc/os-release has no VERSION_ID"
  printf '%s %s %s\n' "$id" "$version" "$(uname -m)"
}

# Sources a head node's munge.env in a clean shell: the munge version, then "OS-ID VERSION-ID ARCH".
read -r -d '' MUNGE_ENV_READER <<'EOF' || true
set -eu
# shellcheck source=/dev/null
source "$1"
printf '%s\n' "$HPC_HA_MUNGE_VERSION" "$HPC_HA_MUNGE_OS_ID $HPC_HA_MUNGE_OS_VERSION_ID $HPC_HA_MUNGE_ARCH"
EOF
readonly MUNGE_ENV_READER

# head_node_build CLUSTER: HEAD_BUILD=(munge version, platform) of what CLUSTER's head node published; 1 when absent.
head_node_build() {
  local env="$PUBLISHED_DIR/$1/munge/munge.env"
  [[ -f "$env" ]] || return 1
  mapfile -t HEAD_BUILD < <(env -i PATH=/usr/bin:/bin bash -c "$MUNGE_ENV_READER" _ "$env")
  ((${#HEAD_BUILD[@]} == 2)) || die "${env#"$R"} is incomplete"
}

install_if_changed() { # source target mode
  if [[ -f "$2" ]] && cmp -s "$1" "$2"; then return 0; fi
  install -D -m "$3" "$1" "$2"
  MUNGE_CHANGED=1
}

# munge comes from the first source that has it: the distribution's package when this node's repositories carry one,
# else the build ParallelCluster compiled on this AZ's head node (published on EFS next to its slurm.conf), installed
# only when that head node runs this node's OS and architecture (its binaries link against the head node's libraries).
# Returns 2 when neither is available yet but the head node has not published (it may, later: the re-sync retries).
install_munge_software() {
  if dnf info munge >/dev/null 2>&1; then
    dnf install -y --setopt=install_weak_deps=False munge || die "dnf could not install munge"
    log "munge from the distribution repositories"
    return 0
  fi
  local src="$PUBLISHED_DIR/$HPC_HA_OWN_CLUSTER/munge" mine
  if ! head_node_build "$HPC_HA_OWN_CLUSTER"; then
    if [[ ! -f "$PUBLISHED_DIR/$HPC_HA_OWN_CLUSTER/cluster.env" ]]; then
      log "WARNING: 'dnf info munge' finds no munge package and $HPC_HA_OWN_CLUSTER has not published yet; munge is installed by the re-sync once it does"
      return 2
    fi
    die "no munge to install: 'dnf info munge' finds no munge package in this node's repositories, and the head node of $HPC_HA_OWN_CLUSTER published no munge build in ${src#"$R"}/"
  fi
  mine="$(node_platform)"
  [[ "${HEAD_BUILD[1]}" == "$mine" ]] ||
    die "'dnf info munge' finds no munge package, and the munge build of $HPC_HA_OWN_CLUSTER's head node is for ${HEAD_BUILD[1]} while this node runs $mine; run the clusters on this node's OS or add a repository that has munge"
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
Description=MUNGE authentication service (${HEAD_BUILD[0]} from the head node of $HPC_HA_OWN_CLUSTER, installed by hpc-ha)
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
  log "munge ${HEAD_BUILD[0]} installed from the head node of $HPC_HA_OWN_CLUSTER"
}

# The key from Secrets Manager, through a pipe into a root-only file; munge restarts only when the key or the
# software changed.
install_munge() {
  step "munge"
  local rc=0 key="$R/etc/munge/munge.key" tmp
  install_munge_software || rc=$?
  if ((rc == 2)); then return 0; fi
  mkdir -p "$(dirname "$key")"
  tmp="$(umask 077 && mktemp "$key.hpc-ha.XXXXXX")"
  TEMP_FILES+=("$tmp")
  chmod 0400 "$tmp"
  secret_string "$HPC_HA_MUNGE_SECRET_ARN" | base64 -d >"$tmp" || die "the munge key secret is not base64"
  (($(stat -c %s "$tmp") >= 32)) || die "the munge key is shorter than 32 bytes"
  chown munge:munge "$tmp"
  if [[ -f "$key" ]] && cmp -s "$tmp" "$key" && ((MUNGE_CHANGED == 0)); then
    rm -f "$tmp"
    systemctl enable --now munge || die "munge does not start (systemctl enable --now munge)"
  else
    mv -f "$tmp" "$key"
    systemctl enable munge || die "cannot enable munge"
    systemctl restart munge || die "munge does not start with the new key (systemctl restart munge)"
    log "munge key installed; munge restarted"
  fi
  mkdir -p "$LOCAL_STATE"
  : >"$LOCAL_STATE/munge-installed"
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
  CLUSTER_NAME="${values[0]}" CLUSTER_HOST="${values[1]}" CLUSTER_ADDR="${values[2]}" CLUSTER_VERSION="${values[4]}" CLUSTER_PREFIX="${values[5]}"
  [[ "$CLUSTER_ADDR" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] || die "${file#"$R"}: bad HPC_HA_SLURMCTLD_ADDR"
  [[ "$CLUSTER_HOST" =~ ^[A-Za-z0-9.-]+$ ]] || die "${file#"$R"}: bad HPC_HA_SLURMCTLD_HOST"
  [[ "$CLUSTER_VERSION" =~ ^[0-9][0-9A-Za-z.-]*$ ]] || die "${file#"$R"}: bad HPC_HA_SLURM_VERSION"
  [[ "$CLUSTER_PREFIX" =~ ^/[A-Za-z0-9._/-]+$ ]] || die "${file#"$R"}: bad HPC_HA_SLURM_PREFIX"
}

# Copies the Slurm client build of this AZ's head node to the local disk, so the portal keeps working when the other
# AZ (or this AZ's head node) is gone; only a build for this node's OS and architecture (the head node's munge.env
# names its platform): its binaries link against the head node's libraries.
copy_slurm_binaries() {
  local name="$1" stamp="$SLURM_PREFIX/.hpc-ha-slurm-version" src staging mine
  if [[ -f "$stamp" && "$(<"$stamp")" == "$CLUSTER_VERSION" ]]; then
    log "local Slurm $CLUSTER_VERSION already present"
    return 0
  fi
  head_node_build "$name" || die "the head node of $name published no munge.env naming its OS and architecture; its Slurm build cannot be checked against this node"
  mine="$(node_platform)"
  [[ "${HEAD_BUILD[1]}" == "$mine" ]] ||
    die "the Slurm build of $name's head node is for ${HEAD_BUILD[1]} while this node runs $mine; run the clusters on this node's OS (the portal runs their Slurm client)"
  mkdir -p "$R/run/hpc-ha"
  src="$(mktemp -d "$R/run/hpc-ha/slurm-src.XXXXXX")"
  TEMP_MOUNTS+=("$src")
  timeout -k 5 120 mount -t nfs -o ro,nolock "$CLUSTER_ADDR:$CLUSTER_PREFIX" "$src" 9>&- ||
    die "cannot mount the Slurm build of $CLUSTER_ADDR:$CLUSTER_PREFIX"
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

# Only where the node created its cluster itself (HPC_HA_WAIT_FOR_OWN_CLUSTER=yes): a bounded wait for its publication.
# Otherwise the portal serves first and each cluster joins through the re-sync timer once its head node publishes.
wait_for_own_cluster() {
  [[ "$HPC_HA_WAIT_FOR_OWN_CLUSTER" == yes ]] || return 0
  step "clusters"
  local dir="$PUBLISHED_DIR/$HPC_HA_OWN_CLUSTER"
  wait_for "$dir/cluster.env" "$HPC_HA_CLUSTER_WAIT_SECONDS" "the head node of $HPC_HA_OWN_CLUSTER to publish" ||
    die "cluster $HPC_HA_OWN_CLUSTER did not publish ${dir#"$R"}/cluster.env within $HPC_HA_CLUSTER_WAIT_SECONDS s"
}

# sync_clusters: a client config per published cluster, the Slurm client build of this AZ's, and the portal's own
# per-cluster file (portal_cluster_synced); clusters that have not published are left to the re-sync.
sync_clusters() {
  step "clusters"
  local name dir own_version=""
  for name in $HPC_HA_CLUSTERS; do
    dir="$PUBLISHED_DIR/$name"
    if [[ ! -f "$dir/cluster.env" ]]; then
      log "cluster $name has not published yet; the re-sync timer will add it"
      continue
    fi
    read_cluster_env "$dir/cluster.env"
    [[ "$CLUSTER_NAME" == "$name" ]] || die "${dir#"$R"}/cluster.env names cluster '$CLUSTER_NAME'"
    if [[ "$name" == "$HPC_HA_OWN_CLUSTER" && -n "${PCLUSTER_HEAD_IP:-}" && "$CLUSTER_ADDR" != "$PCLUSTER_HEAD_IP" ]]; then
      die "${dir#"$R"}/cluster.env names head node $CLUSTER_ADDR but pcluster reports $PCLUSTER_HEAD_IP; the publication is stale"
    fi
    [[ -f "$dir/slurm.conf" ]] || die "${dir#"$R"}/slurm.conf is missing"
    write_if_changed "$SLURM_CONF_DIR/$name/slurm.conf" 0644 <"$dir/slurm.conf"
    ((WROTE == 0)) || log "client config for $name updated"
    if [[ "$name" == "$HPC_HA_OWN_CLUSTER" ]]; then
      copy_slurm_binaries "$name"
      own_version="$CLUSTER_VERSION"
    elif [[ -f "$SLURM_PREFIX/.hpc-ha-slurm-version" && "$(<"$SLURM_PREFIX/.hpc-ha-slurm-version")" != "$CLUSTER_VERSION" ]]; then
      log "WARNING: cluster $name runs Slurm $CLUSTER_VERSION, the local client is $(<"$SLURM_PREFIX/.hpc-ha-slurm-version")"
    fi
    portal_cluster_synced "$name" "$CLUSTER_ADDR"
  done
  if [[ -n "$own_version" ]]; then
    write_if_changed "$R/etc/profile.d/hpc-ha-slurm.sh" 0644 <<EOF
# Slurm client of this portal node (hpc-ha); SLURM_CONF selects this AZ's cluster by default.
export PATH="$HPC_HA_LOCAL_SLURM_PREFIX/bin:\$PATH"
export SLURM_CONF="$HPC_HA_SLURM_CONFIG_DIR/$HPC_HA_OWN_CLUSTER/slurm.conf"
EOF
  fi
}

install_resync_timer() {
  ((HPC_HA_RESYNC_MINUTES > 0)) || return 0
  step "timer"
  local units="$R/etc/systemd/system"
  # TimeoutStartSec: a run stuck anyway is killed before the next one is due, so the timer keeps firing.
  write_if_changed "$units/hpc-ha-portal-resync.service" 0644 <<EOF
[Unit]
Description=hpc-ha: add and refresh the clusters the head nodes published on EFS
After=remote-fs.target

[Service]
Type=oneshot
ExecStart=${SELF_COPY#"$R"} resync
TimeoutStartSec=$((HPC_HA_RESYNC_MINUTES * 60))
EOF
  write_if_changed "$units/hpc-ha-portal-resync.timer" 0644 <<EOF
[Unit]
Description=hpc-ha: periodic portal node re-sync

[Timer]
OnBootSec=${HPC_HA_RESYNC_MINUTES}min
OnUnitActiveSec=${HPC_HA_RESYNC_MINUTES}min

[Install]
WantedBy=timers.target
EOF
  systemctl daemon-reload
  systemctl enable --now hpc-ha-portal-resync.timer
}

# The re-sync: this node's clusters first (a cluster that published since the boot joins here), munge if the boot
# had to defer it, then the other AZ's file system, whose probe may hang on a dead server.
resync_node() {
  mkdir -p "$LOCAL_STATE"
  exec 9>"$LOCAL_STATE/resync.lock"
  flock -n 9 || {
    log "another re-sync is running"
    exit 0
  }
  [[ -f "$LOCAL_STATE/munge-installed" ]] || install_munge
  sync_clusters
  retry_optional_mounts
}

# Runs the program's mode: the boot (the shared first steps, the portal's own, the timer), the re-sync, or the metadata
# rules at every boot.
node_main() {
  start_run
  case "$MODE" in
    boot)
      install_packages
      persist_for_resync
      # The metadata firewall comes before any secret is read.
      restrict_imds
      portal_boot
      install_resync_timer
      ;;
    resync) resync_node ;;
    imds) reapply_imds_rules ;;
    *)
      # A portal may have modes of its own (Open OnDemand: directory), in a function portal_mode.
      declare -F portal_mode >/dev/null || die "unknown mode '$MODE' (boot, resync or imds)"
      portal_mode "$MODE"
      ;;
  esac
}
