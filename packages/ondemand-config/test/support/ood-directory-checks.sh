# shellcheck shell=bash
# shellcheck disable=SC2153 # PORT, W, OUT come from the world that sources this
# Open OnDemand's side of the directory, checked inside @hpc-ha/sssd-config's slapd+sssd world (sourced by its
# test/support/directory-world.sh as WORLD_THEN, so slapd and sssd are running, NSS and PAM go through sssd, and
# W, PORT, OUT, wait_until and run are defined). Inputs from test/directory-world.test.ts: OOD_HOME_HOOK (the
# rendered nginx_stage pre-hook), HOME_ROOT, ODD_USER (a user name with quotes, spaces and $( )).

# --- homes at first login: the pre-hook exactly as nginx_stage runs it ---------------------------------------------
# nginx_stage: Open3.capture3(pun_pre_hook_root_cmd, "--user", user) as root, no shell, the environment cleaned to
# the exported OOD_* variables.
hook_as_nginx_stage() {
  local label="$1" rc=0
  shift
  mkdir -p "$W/cwd"
  (cd "$W/cwd" && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin OOD_ALLOWED_HOSTS=localhost "$OOD_HOME_HOOK" "$@") >"$OUT/hook-$label.out" 2>&1 || rc=$?
  printf '%s\n' "$rc" >"$OUT/hook-$label.rc"
}
# Every path under HOME_ROOT with its mode, owner, group and inode: two runs must leave it identical.
home_state() { find "$HOME_ROOT" -mindepth 1 -printf '%P %m %U %G %i %s\n' | LC_ALL=C sort; }

wait_until 20 getent passwd carol || note "carol does not resolve"
hook_as_nginx_stage carol-first --user carol
stat -c '%a %u %g' "$HOME_ROOT/carol" >"$OUT/home-carol" 2>&1 || true
find "$HOME_ROOT/carol" -mindepth 1 -printf '%P %U %G\n' | LC_ALL=C sort >"$OUT/home-carol-files"
printf 'hello\n' >"$HOME_ROOT/carol/work.txt"
chown 16950:16960 "$HOME_ROOT/carol/work.txt"
home_state >"$OUT/homes-before-second-run"
hook_as_nginx_stage carol-second --user carol
home_state >"$OUT/homes-after-second-run"

hook_as_nginx_stage odd --user "$ODD_USER"
stat -c '%a %u %g %n' "$HOME_ROOT/$ODD_USER" >"$OUT/home-odd" 2>&1 || true
hook_as_nginx_stage unknown --user nosuchuser
hook_as_nginx_stage system --user sysacct
hook_as_nginx_stage by-uid --user 16951
hook_as_nginx_stage traversal --user ../carol
hook_as_nginx_stage none
find "$HOME_ROOT" -mindepth 1 -maxdepth 1 -printf '%P\n' | LC_ALL=C sort >"$OUT/homes-listing"
# The odd name's $(touch pwned) must never have run.
find "$W/cwd" -mindepth 1 -printf '%P\n' >"$OUT/hook-cwd"

# --- logins through a directory outage: two slapd servers, the bootstrap's `directory` mode (what its 20 s timer
# runs) in a node root, one server stopped, then both, then the first back ----------------------------------------
readonly NODE="$W/node" PORT2="$SECOND_PORT"
mkdir -p "$NODE/etc/ood/dex" "$NODE/opt/ood/ood-portal-generator/sbin"
cp "$W/tls/ca.pem" "$NODE/etc/ood/dex/ldap-ca.pem"
# Open OnDemand's generator writes Dex's config from ood_portal.yml; this stand-in keeps the Dex part.
cat >"$NODE/opt/ood/ood-portal-generator/sbin/update_ood_portal" <<'EOF'
#!/usr/bin/env bash
sed -n '/^dex:/,$p' "$HPC_HA_SYSROOT/etc/ood/config/ood_portal.yml" >"$HPC_HA_SYSROOT/etc/ood/dex/config.from-portal.yml"
exit 3
EOF
cat >"$W/stubs/curl" <<'EOF'
#!/usr/bin/env bash
case "${*: -1}" in */api/token) echo token ;; */meta-data/local-ipv4) echo 10.0.1.10 ;; *) exit 7 ;; esac
EOF
chmod +x "$NODE/opt/ood/ood-portal-generator/sbin/update_ood_portal" "$W/stubs/curl"

sed "s|$W/slapd/|$W/slapd2/|g" "$W/slapd/slapd.conf" >"$W/slapd2.conf"
mkdir -p "$W/slapd2/db"
slapadd -q -f "$W/slapd2.conf" -l "$W/slapd/data.ldif"
slapd -f "$W/slapd2.conf" -h "ldaps://127.0.0.1:$PORT2/" -d 0 >"$OUT/slapd2.log" 2>&1 &
up() { LDAPTLS_CACERT="$W/tls/ca.pem" ldapwhoami -x -H "ldaps://127.0.0.1:$1" >/dev/null 2>&1; }
wait_until 20 up "$PORT2" || note "the second slapd did not start"

# A Dex login (its query shape) for carol against the server Dex is configured with on the node.
dex_host() { sed -n 's/^ *host: "\(.*\)"$/\1/p' "$NODE/etc/ood/config/ood_portal.yml"; }
dex_login_carol() {
  local host="$1" dn rc=0
  printf '%s' "$BIND_PASSWORD" >"$W/bind.pw"
  printf '%s' carol-pw >"$W/carol.pw"
  dn="$(LDAPTLS_CACERT="$W/tls/ca.pem" ldapsearch -x -H "ldaps://$host" -D "cn=readonly,dc=hpcha,dc=test" -y "$W/bind.pw" -o ldif-wrap=no \
    -LLL -s sub -b "ou=people,dc=hpcha,dc=test" '(&(objectClass=posixAccount)(uid=carol))' 1.1 2>/dev/null | sed -n 's/^dn: //p')" || true
  [[ -n "$dn" ]] || { echo "no-entry"; return 0; }
  LDAPTLS_CACERT="$W/tls/ca.pem" ldapwhoami -x -H "ldaps://$host" -D "$dn" -y "$W/carol.pw" >/dev/null 2>&1 || rc=$?
  echo "bind-$rc"
}
# One timer tick; records: status, Dex's server, health file present, Dex restarts so far, carol's login through Dex's server.
tick() {
  local label="$1" rc=0 health=no
  HPC_HA_SYSROOT="$NODE" bash "$W/ood-bootstrap.sh" directory >/dev/null 2>&1 || rc=$?
  [[ ! -f "$NODE/var/www/ood/public/hpc-ha-health" ]] || health=yes
  printf '%s %s %s %s %s\n' "$rc" "$(dex_host)" "$health" "$(grep -c '^systemctl restart ondemand-dex' "$OUT/calls")" \
    "$(dex_login_carol "$(dex_host)")" >"$OUT/tick-$label"
}
tick both-up
kill "$(cat "$W/slapd/slapd.pid")"
wait_until 20 bash -c "! LDAPTLS_CACERT='$W/tls/ca.pem' ldapwhoami -x -H ldaps://127.0.0.1:$PORT" || note "slapd 1 did not stop"
dex_login_carol "127.0.0.1:$PORT" >"$OUT/login-via-stopped-server"
tick first-down
tick first-down-again
kill "$(cat "$W/slapd2/slapd.pid")"
wait_until 20 bash -c "! LDAPTLS_CACERT='$W/tls/ca.pem' ldapwhoami -x -H ldaps://127.0.0.1:$PORT2" || note "slapd 2 did not stop"
tick both-down
slapd -f "$W/slapd/slapd.conf" -h "ldaps://127.0.0.1:$PORT/" -d 0 >>"$OUT/slapd.log" 2>&1 &
wait_until 20 up "$PORT" || note "slapd 1 did not restart"
tick first-back
cp "$NODE/var/log/hpc-ha/ondemand-bootstrap.log" "$OUT/node.log" 2>/dev/null || true
rm -f "$W/bind.pw" "$W/carol.pw"
