# shellcheck shell=bash
# hpc-ha Open OnDemand portal bootstrap: turns a fresh Amazon Linux 2023 instance into one of the two equal Open
# OnDemand nodes behind the load balancer, and keeps it that way on every re-run. Nothing is installed on EFS and no
# node waits for the other: each installs the packages, writes its own configuration and serves on its own.
# Deployment values arrive as the readonly HPC_HA_* variables above this program (or from /etc/hpc-ha/ondemand.env
# when the re-sync timer runs it). Secrets are read from Secrets Manager when needed and go only into root-only
# files; never into this text, a command line or the log.
# Usage: <script> [boot|resync|imds|directory]   (boot is the default; resync adds and refreshes the clusters and
# retries the other AZ's FSx; imds re-applies the instance-metadata firewall, run by its unit at every boot;
# directory re-chooses Dex's directory server and the node's health, every 20 s from a timer)
set -Eeuo pipefail
# `... | put FILE`: put runs in this shell, so what it records (CHANGED, files to clean up) is seen afterwards.
shopt -s lastpipe
umask 022

readonly NODE_TAG=hpc-ha-ondemand NODE_TITLE="hpc-ha Open OnDemand" NODE_SETTINGS=ondemand.env NODE_PROGRAM=hpc-ha-ondemand-bootstrap

# @hpc-ha/portal-node: the shared node steps go here

readonly OOD_ETC="$R/etc/ood/config"
readonly WORK="$LOCAL_STATE"
readonly HOSTS_TAG='# hpc-ha: Dex back-channel stays on this node'

PORTAL_CHANGED=0
# Dex's directory server and whether one answers: set by the directory-failover step (inserted before node_main).
LDAP_HOST=""
# shellcheck disable=SC2034
DIRECTORY_UP=1
CHANGED=0

# ---------------------------------------------------------------------------------------------------
# Helpers: the Open OnDemand steps' names for the shared ones

say() { log "$@"; }
fail() { die "$@"; }
begin() { step "$1"; }
# put FILE MODE < content: replaces FILE only when the content differs; CHANGED=1 when it did.
put() {
  write_if_changed "$@"
  CHANGED=$WROTE
}
# read_secret ARN [JSON_KEY]: the secret (or one string key of it) on stdout, never in a file or an argument.
read_secret() { secret_value "$@"; }
# download URI DEST [SHA256] [WHAT]: s3:// with the instance role, https:// with curl; the digest is checked.
download() { fetch "$@"; }

# ---------------------------------------------------------------------------------------------------
# Boot steps

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
  install_desktop_apps
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
# Clusters: the shared steps write each published cluster's client slurm.conf and copy this AZ's Slurm client; here each
# shown cluster also gets its Open OnDemand cluster file.

# cluster_file NAME HOST: this cluster's rendered Open OnDemand file with its head node filled in.
cluster_file() {
  local name="$1" host="$2" var
  var="HPC_HA_OOD_CLUSTER_$(tr 'a-z-' 'A-Z_' <<<"$name")"
  [[ -n "${!var:-}" ]] || return 0
  fill "${!var}" '@HPC_HA_LOGIN_HOST@' "$host"
  printf '%s' "$FILLED" | put "$OOD_ETC/clusters.d/$name.yml" 0644
  ((CHANGED == 0)) || say "Open OnDemand now shows cluster $name"
}

# Called by the shared sync_clusters for each cluster that has published.
portal_cluster_synced() { cluster_file "$1" "$2"; }

# Files of clusters no longer shown go; files an administrator added by hand stay.
prune_cluster_files() {
  local f keep name
  for f in "$OOD_ETC/clusters.d"/*.yml; do
    [[ -f "$f" ]] || continue
    grep -q '^# Open OnDemand cluster (generated by @hpc-ha/ondemand-config' "$f" || continue
    keep=no
    for name in $HPC_HA_SHOWN_CLUSTERS; do [[ "$f" != "$OOD_ETC/clusters.d/$name.yml" ]] || keep=yes; done
    [[ "$keep" == yes ]] || { rm -f "$f"; say "removed ${f#"$R"}"; }
  done
}

# ---------------------------------------------------------------------------------------------------

# The boot after the shared first steps (packages, settings copy, metadata firewall); the re-sync timer follows it.
portal_boot() {
  install_ondemand
  mount_filesystems
  install_munge
  configure_directory
  # The portal serves first; clusters that have not published yet join through the re-sync.
  sync_clusters
  prune_cluster_files
  node_certificate
  pin_back_channel
  configure_portal
  start_portal
  wait_for_https "https://localhost/" "Open OnDemand" "/var/log/httpd/ and /var/log/ondemand-nginx/"
}

# Modes of this portal's own, run by node_main: directory, every 20 s from its timer, re-chooses Dex's directory
# server and the node's health file.
portal_mode() {
  case "$1" in
    directory)
      exec 9>"$WORK/directory.lock"
      flock -n 9 || exit 0
      watch_directory
      ;;
    *) fail "unknown mode '$1' (boot, resync, imds or directory)" ;;
  esac
}

node_main
