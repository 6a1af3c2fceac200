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

readonly MANAGED_BEGIN='# BEGIN hpc-ha managed settings (rewritten at every boot; do not edit)'
readonly MANAGED_END='# END hpc-ha managed settings'
readonly NODE_TAG=hpc-ha-portal NODE_TITLE="hpc-ha portal" NODE_SETTINGS=portal.env NODE_PROGRAM=hpc-ha-portal-bootstrap

# @hpc-ha/portal-node: the shared node steps go here

readonly STATE_DIR="$EFS_DIR/$HPC_HA_PUBLICATION_ROOT/enginframe"
readonly INSTALL_MARKER="$STATE_DIR/installed"
readonly MEMBERS_DIR="$STATE_DIR/members"
readonly EF_TOP="$R$HPC_HA_NICE_ROOT/enginframe"

CONFIG_CHANGED=0
MY_IP=""
JAVA_HOME_DIR=""
PCLUSTER_HEAD_IP=""
PCLUSTER_CLI=""

# EnginFrame shows every published cluster through ef.slurm.conf, written whole at boot: nothing to do per cluster.
portal_cluster_synced() { :; }

# ---------------------------------------------------------------------------------------------------
# EnginFrame helpers

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

# ---------------------------------------------------------------------------------------------------
# Steps

discover_java() {
  local java
  java="$(command -v java)" || die "no java on PATH after the package step"
  java="$(readlink -f "$java")"
  JAVA_HOME_DIR="$(dirname "$(dirname "$java")")"
  log "Java home ${JAVA_HOME_DIR#"$R"}"
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
    elif timeout -k 2 5 bash -c "$probe" _ "$addr" "$port" 2>/dev/null; then
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

# A changed portal.enginframe.version is refused, never ignored: the shared install on EFS and its database serve both
# nodes, and NICE's upgrade path (run the new installer over the old tree with the database migrated) is an operator's
# decision. The boot fails with the steps, so the deploy rolls back to the version that is installed.
check_installed_version() {
  local installed
  installed="$(sed -n 's/^version=//p' "$INSTALL_MARKER")"
  [[ "$installed" == "$HPC_HA_EF_VERSION" ]] ||
    die "EnginFrame ${installed:-of an unknown version} is installed on EFS (${INSTALL_MARKER#"$R"}) but portal.enginframe.version is $HPC_HA_EF_VERSION; hpc-ha does not upgrade a shared install in place. Either set portal.enginframe.version back to $installed and deploy again, or upgrade by hand: stop enginframe on both nodes, back up ${EF_TOP#"$R"} and the EnginFrame database, run the $HPC_HA_EF_VERSION installer over the tree following NICE's upgrade notes, write version=$HPC_HA_EF_VERSION into ${INSTALL_MARKER#"$R"}, then deploy"
}

install_enginframe() {
  step "install"
  if [[ -f "$INSTALL_MARKER" ]]; then
    check_installed_version
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
  check_installed_version
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

# ---------------------------------------------------------------------------------------------------

# The boot after the shared first steps (packages, settings copy, metadata firewall); the re-sync timer follows it.
portal_boot() {
  discover_instance
  discover_java
  mount_filesystems
  create_accounts
  configure_directory
  provision_cluster
  # With provisioner: cloudformation the portal serves first; its cluster joins through the re-sync.
  wait_for_own_cluster
  # munge may come from this AZ's head node's build, checked against this node's OS like the Slurm client.
  install_munge
  sync_clusters
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
  exec 9>&-
  start_enginframe
  wait_for_https "https://localhost:$HPC_HA_EF_HTTPS_PORT/$HPC_HA_EF_ROOT_CONTEXT/" EnginFrame "${EF_TOP#"$R"}/logs/$(hostname -s)/"
}

node_main
