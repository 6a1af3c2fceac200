# shellcheck shell=bash
# hpc-ha Open OnDemand: Dex's directory server and the node's health (functions only; the portal bootstrap carries
# them, @hpc-ha/ondemand-config inserts them before its last line, node_main). Dex's LDAP connector takes one host, so the node
# chooses it from its list (own AZ first) at boot and every 20 s, and keeps the load balancer's health file only while
# some server answers. Uses the bootstrap's helpers (say, fail, put, configure_portal) and its LDAP_HOST,
# DIRECTORY_UP, R, WORK and SELF_COPY.

# ldap_answers HOST:PORT: the server completes a TLS handshake with a certificate valid for that name (as Dex checks
# it) and answers an anonymous read of its root DSE, which every LDAP server allows, within seconds. ldapsearch exits
# with the server's result code, or with 245-255 (its own negative codes) or 124 (timeout) when nobody answered.
ldap_answers() {
  local rc=0
  local -a tls=(LDAPTLS_REQCERT=demand)
  [[ -z "$HPC_HA_LDAP_CA_FILE" ]] || tls+=("LDAPTLS_CACERT=$R$HPC_HA_LDAP_CA_FILE")
  env "${tls[@]}" timeout 15 ldapsearch -x -H "ldaps://$1" -o nettimeout=5 -b '' -s base -LLL 1.1 >/dev/null 2>&1 || rc=$?
  ((rc < 124))
}

# Dex takes one LDAP server, so the node picks it: the first of its list (its own AZ's first) that answers. With none
# answering it keeps the last choice (or the first server) and reports unhealthy until one answers again.
select_directory_server() {
  local host previous=""
  [[ ! -f "$WORK/ldap-host" ]] || previous="$(<"$WORK/ldap-host")"
  DIRECTORY_UP=0
  LDAP_HOST=""
  for host in $HPC_HA_LDAP_HOSTS; do
    if ldap_answers "$host"; then
      LDAP_HOST="$host" DIRECTORY_UP=1
      break
    fi
    say "directory server $host does not answer"
  done
  if ((DIRECTORY_UP == 0)); then
    LDAP_HOST="${previous:-${HPC_HA_LDAP_HOSTS%% *}}"
    say "no directory server answers: nobody can log in on this node, so its health check fails"
  fi
  printf '%s\n' "$LDAP_HOST" >"$WORK/ldap-host"
}

# The load balancer asks for this file (through Apache's /public, no login): present while users can log in here.
report_health() {
  local health="$R$HPC_HA_HEALTH_FILE"
  if [[ -n "$HPC_HA_OOD_DEX" ]] && ((DIRECTORY_UP == 0)); then
    [[ ! -e "$health" ]] || { rm -f "$health"; say "health check now fails (no directory server answers)"; }
  else
    printf 'ok\n' | put "$health" 0644
    ((CHANGED == 0)) || say "health check passes"
  fi
}

# Every 20 s: re-choose Dex's directory server, switch Dex (only Dex restarts) when the choice changes, and keep the
# health file in step. Quiet when nothing changes.
watch_directory() {
  CURRENT_STEP="directory-watch"
  [[ -n "$HPC_HA_OOD_DEX" ]] || return 0
  local before="" rc=0
  [[ ! -f "$WORK/ldap-host" ]] || before="$(<"$WORK/ldap-host")"
  select_directory_server
  if ((DIRECTORY_UP)) && [[ "$LDAP_HOST" != "$before" ]]; then
    configure_portal
    # shellcheck disable=SC2034 # the bootstrap's step name, for its log and failure signal
    CURRENT_STEP="directory-watch"
    "$R/opt/ood/ood-portal-generator/sbin/update_ood_portal" --force --detailed-exitcodes || rc=$?
    ((rc == 0 || rc == 3)) || fail "update_ood_portal failed with status $rc"
    systemctl restart ondemand-dex
    say "Dex now asks directory server $LDAP_HOST (was ${before:-none})"
  fi
  report_health
}

install_directory_watch() {
  [[ -n "$HPC_HA_OOD_DEX" ]] || return 0
  put "$R/etc/systemd/system/hpc-ha-ondemand-directory.service" 0644 <<EOF
[Unit]
Description=hpc-ha: point Dex at a directory server that answers, and report this node's health
After=network-online.target

[Service]
Type=oneshot
ExecStart=${SELF_COPY#"$R"} directory
EOF
  put "$R/etc/systemd/system/hpc-ha-ondemand-directory.timer" 0644 <<EOF
[Unit]
Description=hpc-ha: Dex directory failover and health, every 20 s

[Timer]
OnBootSec=60s
OnUnitActiveSec=20s
AccuracySec=1s

[Install]
WantedBy=timers.target
EOF
  systemctl daemon-reload
  systemctl enable --now hpc-ha-ondemand-directory.timer
}
