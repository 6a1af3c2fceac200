# shellcheck shell=bash
# hpc-ha Open OnDemand portal bootstrap: turns a fresh Amazon Linux 2023 instance into one of the two equal Open
# OnDemand nodes behind the load balancer, and keeps it that way on every re-run. Nothing is installed on EFS and no
# node waits for the other: each installs the packages, writes its own configuration and serves on its own.
# Deployment values arrive as the readonly HPC_HA_* variables above this program (or from /etc/hpc-ha/ondemand.env
# when the re-sync timer runs it). Secrets are read from Secrets Manager when needed and go only into root-only
# files; never into this text, a command line or the log.
# Usage: <script> [boot|resync|directory]   (boot is the default; resync refreshes the clusters only; directory
# re-chooses Dex's directory server and the node's health, every 20 s from a timer)
set -Eeuo pipefail
# `... | put FILE`: put runs in this shell, so what it records (CHANGED, files to clean up) is seen afterwards.
shopt -s lastpipe
umask 022

# Test-only prefix for every system path; empty on a real node.
readonly R="${HPC_HA_SYSROOT:-}"
readonly SETTINGS_FILE="$R/etc/hpc-ha/ondemand.env"
if [[ -z "${HPC_HA_REGION+x}" && -r "$SETTINGS_FILE" ]]; then
  # shellcheck source=/dev/null
  source "$SETTINGS_FILE"
fi

readonly MODE="${1:-boot}"
readonly EFS_DIR="$R$HPC_HA_EFS_MOUNT_DIR"
readonly PUBLISHED="$EFS_DIR/$HPC_HA_PUBLICATION_ROOT/clusters"
readonly SLURM_ETC="$R$HPC_HA_SLURM_CONFIG_DIR"
readonly SLURM_HOME="$R$HPC_HA_LOCAL_SLURM_PREFIX"
readonly OOD_ETC="$R/etc/ood/config"
readonly WORK="$R/var/lib/hpc-ha"
readonly LOG_FILE="$R$HPC_HA_LOG_FILE"
readonly SELF="$R/usr/local/sbin/hpc-ha-ondemand-bootstrap"
readonly HOSTS_TAG='# hpc-ha: Dex back-channel stays on this node'

STEP="start"
FAILURE=""
PORTAL_CHANGED=0
# Dex's directory server and whether one answers: set by the directory-failover step (inserted before main()).
LDAP_HOST=""
# shellcheck disable=SC2034
DIRECTORY_UP=1
CLEANUP_FILES=()
CLEANUP_MOUNTS=()
CHANGED=0

say() { printf '%s hpc-ha-ondemand node%s [%s] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$HPC_HA_NODE_INDEX" "$STEP" "$*"; }
# Also kept in a file: a failure inside $(...) happens in a subshell, and the signal should still name it.
fail() {
  FAILURE="$*"
  printf '%s\n' "$*" >"$WORK/last-failure" 2>/dev/null || true
  say "ERROR: $*"
  exit 1
}
begin() {
  STEP="$1"
  say "begin"
}

# Tells CloudFormation how the boot ended; the reason names the step and, when known, what went wrong.
report() {
  local rc="$1" code=0 reason
  [[ "$MODE" == boot && -n "$HPC_HA_SIGNAL_STACK" ]] || return 0
  reason="hpc-ha Open OnDemand node $HPC_HA_NODE_INDEX is ready"
  if ((rc != 0)); then
    code=1
    [[ -n "$FAILURE" || ! -f "$WORK/last-failure" ]] || FAILURE="$(head -n 1 "$WORK/last-failure")"
    reason="hpc-ha Open OnDemand node $HPC_HA_NODE_INDEX failed in step '$STEP'${FAILURE:+: $FAILURE} (see $HPC_HA_LOG_FILE)"
    reason="${reason:0:1000}"
  fi
  cfn-signal --exit-code "$code" --reason "$reason" --stack "$HPC_HA_SIGNAL_STACK" \
    --resource "$HPC_HA_SIGNAL_RESOURCE" --region "$HPC_HA_SIGNAL_REGION" \
    --url "https://cloudformation.$HPC_HA_SIGNAL_REGION.$HPC_HA_URL_SUFFIX" ||
    say "cfn-signal failed (already signalled, or the stack is gone)"
}

finish() {
  local rc=$? m f
  trap - EXIT ERR
  set +e
  for m in "${CLEANUP_MOUNTS[@]}"; do umount "$m" >/dev/null 2>&1 || true; rmdir "$m" >/dev/null 2>&1 || true; done
  for f in "${CLEANUP_FILES[@]}"; do rm -rf "$f"; done
  if ((rc == 0)); then say "done ($MODE)"; else say "FAILED ($MODE) with status $rc"; fi
  report "$rc"
  exit "$rc"
}

# ---------------------------------------------------------------------------------------------------
# Helpers

# put FILE MODE < content: replaces FILE only when the content differs; CHANGED=1 when it did.
put() {
  local file="$1" mode="$2" tmp
  CHANGED=0
  mkdir -p "$(dirname "$file")"
  tmp="$(mktemp "$file.new.XXXXXX")"
  CLEANUP_FILES+=("$tmp")
  cat >"$tmp"
  chmod "$mode" "$tmp"
  if [[ -f "$file" ]] && cmp -s "$tmp" "$file"; then
    rm -f "$tmp"
  else
    mv -f "$tmp" "$file"
    CHANGED=1
  fi
}

imds() {
  local token
  token="$(curl -fsS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' --connect-timeout 5 --retry 3 http://169.254.169.254/latest/api/token)"
  curl -fsS -H "X-aws-ec2-metadata-token: $token" --connect-timeout 5 --retry 3 "http://169.254.169.254/latest/meta-data/$1"
}

# read_secret ARN [JSON_KEY]: the secret (or one string key of it) on stdout, never in a file or an argument.
read_secret() {
  local value
  value="$(aws secretsmanager get-secret-value --region "$HPC_HA_REGION" --secret-id "$1" --query SecretString --output text)" ||
    fail "cannot read secret $1 from Secrets Manager"
  if [[ -n "${2:-}" ]]; then
    jq -er --arg k "$2" '.[$k] | strings' <<<"$value" || fail "secret $1 has no string key '$2'"
  else
    printf '%s' "$value"
  fi
}

# download URI DEST [SHA256] [WHAT]: s3:// with the instance role, https:// with curl; the digest is checked.
download() {
  local uri="$1" dest="$2" sha="${3:-}" what="${4:-$1}" part="$2.part" got
  mkdir -p "$(dirname "$dest")"
  CLEANUP_FILES+=("$part")
  say "downloading ${uri%%\?*}"
  case "$uri" in
    s3://*) aws s3 cp --only-show-errors --region "$HPC_HA_REGION" "$uri" "$part" || fail "cannot download $what from ${uri%%\?*}" ;;
    https://*) curl -fsSL --retry 3 --retry-delay 5 --connect-timeout 20 --max-time "$HPC_HA_SOURCE_TIMEOUT_SECONDS" -o "$part" "$uri" ||
      fail "cannot download $what from ${uri%%\?*} (unreachable or refused within $HPC_HA_SOURCE_TIMEOUT_SECONDS s)" ;;
    *) fail "unsupported URI scheme in ${uri%%\?*} (use s3:// or https://)" ;;
  esac
  if [[ -n "$sha" ]]; then
    got="$(sha256sum "$part")"
    got="${got%% *}"
    [[ "$got" == "$sha" ]] || fail "SHA-256 mismatch for $what: expected $sha, got $got"
    say "SHA-256 verified for $what"
  fi
  mv -f "$part" "$dest"
}

# ---------------------------------------------------------------------------------------------------
# Boot steps

install_base_packages() {
  begin "packages"
  local -a list
  read -r -a list <<<"$HPC_HA_PACKAGES"
  dnf install -y --setopt=install_weak_deps=False "${list[@]}" ||
    fail "dnf could not install ${list[*]} (a missing munge package means this node's repositories lack munge; add one that has it)"
}

# Open OnDemand and its Dex from the project's repository or from a checksummed bundle the user staged in S3.
install_ondemand() {
  begin "ondemand-packages"
  if rpm -q "ondemand-$HPC_HA_OOD_VERSION" >/dev/null 2>&1 && { [[ -z "$HPC_HA_OOD_DEX" ]] || rpm -q ondemand-dex >/dev/null 2>&1; }; then
    say "Open OnDemand $HPC_HA_OOD_VERSION already installed"
    return 0
  fi
  local -a wanted=("ondemand-$HPC_HA_OOD_VERSION")
  [[ -z "$HPC_HA_OOD_DEX" ]] || wanted+=(ondemand-dex)
  if [[ -n "$HPC_HA_OOD_BUNDLE_URI" ]]; then
    local bundle="$WORK/ondemand-bundle.tar" rpms="$WORK/ondemand-rpms"
    download "$HPC_HA_OOD_BUNDLE_URI" "$bundle" "$HPC_HA_OOD_BUNDLE_SHA256" "the Open OnDemand package bundle"
    rm -rf "$rpms"
    mkdir -p "$rpms"
    tar -xf "$bundle" -C "$rpms" --no-same-owner || fail "the Open OnDemand package bundle is not a tar archive"
    local -a files=()
    mapfile -t files < <(find "$rpms" -type f -name '*.rpm' | sort)
    ((${#files[@]} > 0)) || fail "the Open OnDemand package bundle holds no .rpm file"
    dnf install -y --setopt=install_weak_deps=False "${files[@]}" || fail "dnf could not install the bundled Open OnDemand packages"
    rpm -q "${wanted[@]}" >/dev/null || fail "the bundle does not provide ${wanted[*]}"
  else
    local release="$HPC_HA_OOD_REPOSITORY_URL/$HPC_HA_OOD_RELEASE_LINE/ondemand-release-web-$HPC_HA_OOD_RELEASE_LINE-1.amzn2023.noarch.rpm"
    # A short probe first: an unreachable repository (blocked, no route) fails in seconds with a clear reason.
    curl -fsS -o /dev/null --head --connect-timeout 10 --max-time "$HPC_HA_SOURCE_TIMEOUT_SECONDS" "$release" ||
      fail "the Open OnDemand repository is unreachable: $release (stage a package bundle in S3 instead, see README)"
    rpm -q "ondemand-release-web-$HPC_HA_OOD_RELEASE_LINE" >/dev/null 2>&1 || dnf install -y "$release" ||
      fail "dnf could not install $release"
    if [[ "$HPC_HA_OOD_REPOSITORY_URL" != "$HPC_HA_OOD_DEFAULT_REPOSITORY_URL" ]]; then
      # A mirror of the project's repository: the release package names the original host.
      sed -i "s|$HPC_HA_OOD_DEFAULT_REPOSITORY_URL|$HPC_HA_OOD_REPOSITORY_URL|g" "$R/etc/yum.repos.d/ondemand-web.repo"
    fi
    dnf install -y --setopt=install_weak_deps=False "${wanted[@]}" || fail "dnf could not install ${wanted[*]} from $HPC_HA_OOD_REPOSITORY_URL"
  fi
  # Amazon Linux 2023 ships Node.js under a versioned name; the dashboard runs `node`.
  if [[ ! -e "$R/usr/bin/node" && -x "$R/usr/bin/node-22" ]]; then alternatives --install /usr/bin/node node /usr/bin/node-22 1; fi
  say "Open OnDemand $HPC_HA_OOD_VERSION installed"
}

mount_one() {
  local source="$1" dir="$2" type="$3" options="$4" fstab="$R/etc/fstab"
  mkdir -p "$R$dir" "$(dirname "$fstab")"
  touch "$fstab"
  { awk -v d="$dir" '$2 != d' "$fstab"; printf '%s %s %s %s 0 0\n' "$source" "$dir" "$type" "$options"; } | put "$fstab" 0644
  if ! mountpoint -q "$R$dir"; then
    mount "$R$dir" || fail "cannot mount $source at $dir"
    say "mounted $dir"
  fi
}

mount_storage() {
  begin "mounts"
  mount_one "$HPC_HA_EFS_ID:/" "$HPC_HA_EFS_MOUNT_DIR" efs "$HPC_HA_EFS_MOUNT_OPTIONS"
  local id dns name dir
  while read -r id dns name dir; do
    [[ -n "$id" ]] || continue
    mount_one "$dns@tcp:/$name" "$dir" lustre "defaults,noatime,flock,_netdev"
  done <<<"$HPC_HA_FSX_MOUNTS"
}

save_settings() {
  begin "settings"
  local name
  {
    printf '# hpc-ha Open OnDemand bootstrap settings (ARNs, no secrets); read by the re-sync timer\n'
    for name in $(compgen -v HPC_HA_); do
      [[ "$name" == HPC_HA_SYSROOT ]] || printf 'readonly %s=%q\n' "$name" "${!name}"
    done
  } | put "$SETTINGS_FILE" 0600
  [[ ! -f "${BASH_SOURCE[0]}" ]] || put "$SELF" 0700 <"${BASH_SOURCE[0]}"
}

install_munge_key() {
  begin "munge"
  local key="$R/etc/munge/munge.key" tmp
  mkdir -p "$(dirname "$key")"
  tmp="$(mktemp "$key.new.XXXXXX")"
  CLEANUP_FILES+=("$tmp")
  chmod 0400 "$tmp"
  read_secret "$HPC_HA_MUNGE_SECRET_ARN" | base64 -d >"$tmp" || fail "the munge key secret is not base64"
  (($(stat -c %s "$tmp") >= 32)) || fail "the munge key is shorter than 32 bytes"
  chown munge:munge "$tmp"
  if [[ -f "$key" ]] && cmp -s "$tmp" "$key"; then
    systemctl enable --now munge
  else
    mv -f "$tmp" "$key"
    systemctl enable munge
    systemctl restart munge
    say "munge key installed"
  fi
}

# Directory users through sssd (the shared step of @hpc-ha/sssd-config, whose functions the rendered program carries):
# after the mounts, since homes and the CA live on EFS, and before Apache starts, so the first login finds its user.
configure_directory() {
  begin "directory"
  hpc_ha_configure_sssd || fail "the directory step failed (sssd, see the lines above)"
}

# The node's TLS pair for the load balancer's HTTPS target and the loopback back-channel: self-signed for the portal
# name, made once per node and again only when the name changes. The name goes in subjectAltName, which is what TLS
# clients check; the subject CN is capped at 64 characters by X.509 (an internal load balancer's name in China is
# often longer), so a longer name gets a fixed CN instead.
node_certificate() {
  begin "certificate"
  local crt="$R$HPC_HA_TLS_CERT_FILE" key="$R$HPC_HA_TLS_KEY_FILE" cn="$HPC_HA_SERVER_NAME"
  ((${#cn} <= 64)) || cn="hpc-ha Open OnDemand node $HPC_HA_NODE_INDEX"
  if [[ -f "$crt" && -f "$key" ]] && openssl x509 -in "$crt" -noout -checkhost "$HPC_HA_SERVER_NAME" | grep -q 'does match'; then
    say "certificate for $HPC_HA_SERVER_NAME present"
    return 0
  fi
  mkdir -p "$(dirname "$crt")" "$(dirname "$key")"
  (umask 077 && openssl req -x509 -newkey rsa:2048 -sha256 -days 3650 -nodes -keyout "$key" -out "$crt" \
    -subj "/CN=$cn" -addext "subjectAltName=DNS:$HPC_HA_SERVER_NAME" >/dev/null 2>&1) ||
    fail "openssl could not make the node certificate"
  chmod 0644 "$crt"
  chmod 0600 "$key"
  PORTAL_CHANGED=1
  say "made a self-signed certificate for $HPC_HA_SERVER_NAME"
}

# With Dex, the portal name resolves to this node for its own processes, so mod_auth_openidc's discovery, token and
# key requests reach the Dex that issued the login, never the other node's through the load balancer.
pin_back_channel() {
  [[ -n "$HPC_HA_OOD_DEX" ]] || return 0
  begin "back-channel"
  local hosts="$R/etc/hosts"
  touch "$hosts"
  { grep -vF "$HOSTS_TAG" "$hosts" || true; printf '127.0.0.1 %s %s\n' "$HPC_HA_SERVER_NAME" "$HOSTS_TAG"; } | put "$hosts" 0644
}

# fill TEXT MARKER VALUE: TEXT with "MARKER" (quotes included) replaced by VALUE as a JSON string, which YAML reads back
# exactly. The value travels through stdin only.
fill() {
  local text="$1" marker="\"$2\"" json
  json="$(printf '%s' "$3" | jq -Rs .)"
  FILLED="${text//"$marker"/"$json"}"
}

configure_portal() {
  begin "portal-config"
  local text secret
  if [[ -n "$HPC_HA_LDAP_CA_URI" ]]; then
    download "$HPC_HA_LDAP_CA_URI" "$R$HPC_HA_LDAP_CA_FILE" "$HPC_HA_LDAP_CA_SHA256" "the directory's CA certificate"
    chmod 0644 "$R$HPC_HA_LDAP_CA_FILE"
  fi
  text="$HPC_HA_OOD_PORTAL_YML"
  secret="$(read_secret "$HPC_HA_OIDC_PASSPHRASE_SECRET_ARN" "$HPC_HA_OIDC_PASSPHRASE_SECRET_KEY")"
  fill "$text" '@HPC_HA_OIDC_CRYPTO_PASSPHRASE@' "$secret"
  text="$FILLED"
  if [[ -n "$HPC_HA_LDAP_BIND_SECRET_ARN" ]]; then
    secret="$(read_secret "$HPC_HA_LDAP_BIND_SECRET_ARN" "$HPC_HA_LDAP_BIND_SECRET_KEY")"
    fill "$text" '@HPC_HA_LDAP_BIND_PASSWORD@' "$secret"
    text="$FILLED"
  fi
  if [[ -n "$HPC_HA_OIDC_CLIENT_SECRET_ARN" ]]; then
    secret="$(read_secret "$HPC_HA_OIDC_CLIENT_SECRET_ARN" "$HPC_HA_OIDC_CLIENT_SECRET_KEY")"
    fill "$text" '@HPC_HA_OIDC_CLIENT_SECRET@' "$secret"
    text="$FILLED"
  fi
  secret=""
  if [[ -n "$HPC_HA_OOD_DEX" ]]; then
    [[ -n "$LDAP_HOST" ]] || select_directory_server
    fill "$text" '@HPC_HA_LDAP_HOST@' "$LDAP_HOST"
    text="$FILLED"
  fi
  fill "$text" '@HPC_HA_NODE_ADDRESS@' "$(imds local-ipv4)"
  text="$FILLED"
  FILLED=""
  [[ "$text" != *'"@HPC_HA_'* ]] || fail "ood_portal.yml still holds a boot-value marker"
  printf '%s' "$text" | put "$OOD_ETC/ood_portal.yml" 0600
  text=""
  ((CHANGED == 0)) || PORTAL_CHANGED=1
  printf '%s' "$HPC_HA_OOD_BRANDING_YML" | put "$OOD_ETC/ondemand.d/hpc-ha.yml" 0644
  ((CHANGED == 0)) || PORTAL_CHANGED=1
  # nginx_stage runs this as root before each user's web server starts: it makes the home a Dex login never would.
  if [[ -n "$HPC_HA_OOD_HOME_HOOK_FILE" ]]; then
    { printf '#!/usr/bin/env bash\nreadonly HOME_ROOT=%q\nreadonly MIN_UID=1000\n' "${HPC_HA_DIRECTORY_HOME_ROOT%/}"; ood_home_hook_program; } |
      put "$R$HPC_HA_OOD_HOME_HOOK_FILE" 0755
  fi
}

start_portal() {
  begin "portal-service"
  local rc=0
  local -a units=(httpd)
  [[ -z "$HPC_HA_OOD_DEX" ]] || units+=(ondemand-dex)
  if ((PORTAL_CHANGED)) || [[ ! -f "$R/etc/httpd/conf.d/ood-portal.conf" ]]; then
    "$R/opt/ood/ood-portal-generator/sbin/update_ood_portal" --force --detailed-exitcodes || rc=$?
    ((rc == 0 || rc == 3)) || fail "update_ood_portal failed with status $rc"
    systemctl enable "${units[@]}"
    systemctl restart "${units[@]}"
    say "portal configuration applied; ${units[*]} restarted"
  else
    systemctl enable --now "${units[@]}"
  fi
  report_health
  install_directory_watch
}

# ---------------------------------------------------------------------------------------------------
# Clusters: a client slurm.conf for each one that has published, the Slurm client build of this AZ's head node, and
# an Open OnDemand cluster file for each one shown.

# Reads what a head node published in cluster.env, in a clean shell that sees none of our variables.
read -r -d '' PUBLICATION_READER <<'EOF' || true
set -eu
# shellcheck source=/dev/null
source "$1"
printf '%s\n' "$HPC_HA_CLUSTER_NAME" "$HPC_HA_SLURMCTLD_HOST" "$HPC_HA_SLURMCTLD_ADDR" "$HPC_HA_SLURM_VERSION" "$HPC_HA_SLURM_PREFIX"
EOF
readonly PUBLICATION_READER

load_publication() {
  local file="$1"
  local -a v
  mapfile -t v < <(env -i PATH=/usr/bin:/bin bash -c "$PUBLICATION_READER" _ "$file")
  ((${#v[@]} == 5)) || fail "${file#"$R"} is incomplete"
  PUB_NAME="${v[0]}" PUB_HOST="${v[1]}" PUB_ADDR="${v[2]}" PUB_VERSION="${v[3]}" PUB_PREFIX="${v[4]}"
  [[ "$PUB_ADDR" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] || fail "${file#"$R"}: bad HPC_HA_SLURMCTLD_ADDR"
  [[ "$PUB_HOST" =~ ^[A-Za-z0-9.-]+$ ]] || fail "${file#"$R"}: bad HPC_HA_SLURMCTLD_HOST"
  [[ "$PUB_VERSION" =~ ^[0-9][0-9A-Za-z.-]*$ ]] || fail "${file#"$R"}: bad HPC_HA_SLURM_VERSION"
  [[ "$PUB_PREFIX" =~ ^/[A-Za-z0-9._/-]+$ ]] || fail "${file#"$R"}: bad HPC_HA_SLURM_PREFIX"
}

# The Slurm client build lives on local disk, so this node keeps submitting when the other AZ is gone.
local_slurm_client() {
  local marker="$SLURM_HOME/.hpc-ha-slurm-version" src next
  if [[ -f "$marker" && "$(<"$marker")" == "$PUB_VERSION" ]]; then return 0; fi
  mkdir -p "$R/run/hpc-ha"
  src="$(mktemp -d "$R/run/hpc-ha/slurm.XXXXXX")"
  CLEANUP_MOUNTS+=("$src")
  mount -t nfs -o ro,nolock "$PUB_ADDR:$PUB_PREFIX" "$src" || fail "cannot mount the Slurm build of $PUB_ADDR"
  next="$SLURM_HOME.next"
  rm -rf "$next"
  mkdir -p "$next"
  cp -a "$src/." "$next/"
  umount "$src"
  printf '%s\n' "$PUB_VERSION" >"$next/.hpc-ha-slurm-version"
  rm -rf "$SLURM_HOME.old"
  [[ ! -e "$SLURM_HOME" ]] || mv "$SLURM_HOME" "$SLURM_HOME.old"
  mv "$next" "$SLURM_HOME"
  rm -rf "$SLURM_HOME.old"
  say "Slurm $PUB_VERSION client copied from $PUB_ADDR"
}

# cluster_file NAME HOST: this cluster's rendered Open OnDemand file with its head node filled in.
cluster_file() {
  local name="$1" host="$2" var
  var="HPC_HA_OOD_CLUSTER_$(tr 'a-z-' 'A-Z_' <<<"$name")"
  [[ -n "${!var:-}" ]] || return 0
  fill "${!var}" '@HPC_HA_LOGIN_HOST@' "$host"
  printf '%s' "$FILLED" | put "$OOD_ETC/clusters.d/$name.yml" 0644
  ((CHANGED == 0)) || say "Open OnDemand now shows cluster $name"
}

# sync_clusters yes|no: with yes (boot), this AZ's cluster must publish within the bounded wait.
sync_clusters() {
  begin "clusters"
  local must="$1" name dir deadline f keep
  for name in $HPC_HA_CLUSTERS; do
    dir="$PUBLISHED/$name"
    if [[ "$name" == "$HPC_HA_OWN_CLUSTER" && "$must" == yes ]]; then
      deadline=$((SECONDS + HPC_HA_CLUSTER_WAIT_SECONDS))
      until [[ -f "$dir/cluster.env" ]]; do
        ((SECONDS < deadline)) || fail "cluster $name did not publish ${dir#"$R"}/cluster.env within $HPC_HA_CLUSTER_WAIT_SECONDS s"
        say "waiting for the head node of $name to publish, $((deadline - SECONDS)) s left"
        sleep "$HPC_HA_POLL_SECONDS"
      done
    elif [[ ! -f "$dir/cluster.env" ]]; then
      say "cluster $name has not published yet; the re-sync timer will add it"
      continue
    fi
    load_publication "$dir/cluster.env"
    [[ "$PUB_NAME" == "$name" ]] || fail "${dir#"$R"}/cluster.env names cluster '$PUB_NAME'"
    [[ -f "$dir/slurm.conf" ]] || fail "${dir#"$R"}/slurm.conf is missing"
    put "$SLURM_ETC/$name/slurm.conf" 0644 <"$dir/slurm.conf"
    ((CHANGED == 0)) || say "client config of $name updated"
    [[ "$name" != "$HPC_HA_OWN_CLUSTER" ]] || local_slurm_client
    cluster_file "$name" "$PUB_ADDR"
  done
  # Files of clusters no longer shown go; files an administrator added by hand stay.
  for f in "$OOD_ETC/clusters.d"/*.yml; do
    [[ -f "$f" ]] || continue
    grep -q '^# Open OnDemand cluster (generated by @hpc-ha/ondemand-config' "$f" || continue
    keep=no
    for name in $HPC_HA_SHOWN_CLUSTERS; do [[ "$f" != "$OOD_ETC/clusters.d/$name.yml" ]] || keep=yes; done
    [[ "$keep" == yes ]] || { rm -f "$f"; say "removed ${f#"$R"}"; }
  done
}

install_timer() {
  ((HPC_HA_RESYNC_MINUTES > 0)) || return 0
  begin "timer"
  put "$R/etc/systemd/system/hpc-ha-ondemand-resync.service" 0644 <<EOF
[Unit]
Description=hpc-ha: add the clusters the head nodes published on EFS to Open OnDemand
After=remote-fs.target

[Service]
Type=oneshot
ExecStart=${SELF#"$R"} resync
EOF
  put "$R/etc/systemd/system/hpc-ha-ondemand-resync.timer" 0644 <<EOF
[Unit]
Description=hpc-ha: periodic Open OnDemand cluster re-sync

[Timer]
OnBootSec=${HPC_HA_RESYNC_MINUTES}min
OnUnitActiveSec=${HPC_HA_RESYNC_MINUTES}min

[Install]
WantedBy=timers.target
EOF
  systemctl daemon-reload
  systemctl enable --now hpc-ha-ondemand-resync.timer
}

# ---------------------------------------------------------------------------------------------------

main() {
  mkdir -p "$(dirname "$LOG_FILE")" "$WORK"
  rm -f "$WORK/last-failure"
  exec >>"$LOG_FILE" 2>&1
  chmod 0640 "$LOG_FILE"
  trap finish EXIT
  trap 'say "command failed (status $?) at line $LINENO: $BASH_COMMAND"' ERR
  say "start ($MODE) in $HPC_HA_REGION ($HPC_HA_PARTITION)"
  case "$MODE" in
    boot)
      install_base_packages
      install_ondemand
      mount_storage
      save_settings
      install_munge_key
      configure_directory
      sync_clusters yes
      node_certificate
      pin_back_channel
      configure_portal
      start_portal
      install_timer
      ;;
    resync)
      exec 9>"$WORK/resync.lock"
      flock -n 9 || {
        say "another re-sync is running"
        exit 0
      }
      sync_clusters no
      ;;
    directory)
      exec 9>"$WORK/directory.lock"
      flock -n 9 || exit 0
      watch_directory
      ;;
    *) fail "unknown mode '$MODE' (boot, resync or directory)" ;;
  esac
}

main "$@"
