# shellcheck shell=bash
# shellcheck disable=SC2016 # the child shells expand the passwords, which never appear on a command line
# directory.allowedGroups at its three enforcement points, inside @hpc-ha/sssd-config's slapd+sssd world (sourced
# as WORLD_THEN: slapd and sssd run, and W, PORT, OUT, wait_until and run are defined). Inputs from
# access-filter.test.ts: DEX_BASE, DEX_FILTER, DEX_USERNAME_ATTR (the rendered Dex connector's user search),
# CLUSTER_FILTER (the rendered ParallelCluster LdapAccessFilter), BASE_DN, BIND_DN, and the users' passwords.
export LDAPTLS_CACERT="$W/tls/ca.pem"
readonly URI="ldaps://127.0.0.1:$PORT"
printf '%s' "$BIND_PASSWORD" >"$W/bind.pw"
chmod 0600 "$W/bind.pw"

# Dex's LDAP connector, step by step (connector/ldap/ldap.go userEntry and Login): bind as the service account,
# search userSearch.baseDN, scope sub, with (&<userSearch.filter>(<username>=<name>)); exactly one entry is the
# user, whose DN then binds with the typed password. Prints "<entries> <bind status>".
dex_login() {
  local name="$1" password="$2" dn rc=0
  mapfile -t dn < <(ldapsearch -x -H "$URI" -D "$BIND_DN" -y "$W/bind.pw" -o ldif-wrap=no -LLL -s sub -b "$DEX_BASE" \
    "(&${DEX_FILTER}(${DEX_USERNAME_ATTR}=${name}))" 1.1 | sed -n 's/^dn: //p')
  if ((${#dn[@]} == 1)); then
    printf '%s' "$password" >"$W/user.pw"
    ldapwhoami -x -H "$URI" -D "${dn[0]}" -y "$W/user.pw" >/dev/null 2>&1 || rc=$?
  else
    rc=none
  fi
  printf '%s %s\n' "${#dn[@]}" "$rc"
}
dex_login carol "$CAROL_PASSWORD" >"$OUT/dex-carol"
dex_login mallory "$MALLORY_PASSWORD" >"$OUT/dex-mallory"
# Without the filter, mallory would have got in: the refusal comes from the filter, not from her password.
DEX_FILTER='(objectClass=posixAccount)' dex_login mallory "$MALLORY_PASSWORD" >"$OUT/dex-mallory-unfiltered"

# The clusters: ParallelCluster writes LdapAccessFilter into sssd's ldap_access_filter, which sssd checks with
# (&(uid=<name>)(objectclass=posixAccount)<filter>) under the search base; an entry back means access.
cluster_access() {
  ldapsearch -x -H "$URI" -D "$BIND_DN" -y "$W/bind.pw" -o ldif-wrap=no -LLL -s sub -b "$BASE_DN" \
    "(&(uid=$1)(objectclass=posixAccount)${CLUSTER_FILTER})" 1.1 | grep -c '^dn: ' || true
}
cluster_access carol >"$OUT/cluster-carol"
cluster_access mallory >"$OUT/cluster-mallory"

# The portal nodes' sssd (access_provider ldap, ldap_access_filter from the same setting), through PAM.
wait_until 20 getent passwd carol || true
run pam-carol bash -c 'printf "%s\n" "$CAROL_PASSWORD" | pamtester hpc-ha-portal carol authenticate acct_mgmt'
run pam-mallory bash -c 'printf "%s\n" "$MALLORY_PASSWORD" | pamtester hpc-ha-portal mallory authenticate acct_mgmt'
run pam-mallory-auth-only bash -c 'printf "%s\n" "$MALLORY_PASSWORD" | pamtester hpc-ha-portal mallory authenticate'
rm -f "$W/bind.pw" "$W/user.pw"
