#!/usr/bin/env bash
# A directory and a portal node in miniature, for test/slapd-sssd.test.ts. Run it only through
#   unshare --mount --pid --fork --mount-proc bash directory-world.sh WORK PORT
# Everything it mounts lives in that private mount namespace, and everything it starts (slapd, sssd) dies with the
# PID namespace when this script ends, however it ends. Nothing on the host changes: slapd listens on 127.0.0.1
# only, and sssd's config, databases and sockets are temporary directories bind-mounted over /etc/sssd and
# /var/lib/sss inside the namespace.
#
# Inputs: WORK (an empty temporary directory), PORT (loopback port for ldaps), the HPC_HA_* variables of the
# portal step in the environment, BIND_PASSWORD / ALICE_PASSWORD / BOB_PASSWORD. Outputs: WORK/out/* files.
set -Eeuo pipefail
readonly W="$1" PORT="$2"
readonly OUT="$W/out" BASE_DN="dc=hpcha,dc=test"
mkdir -p "$OUT" "$W/tls" "$W/slapd/db" "$W/sss"/{db,pipes/private,mc,pubconf,gpo_cache,keytabs} "$W/etc-sssd/conf.d" \
  "$W/pam.d" "$W/stubs" "$W/s3/test-bucket" "$W/sssd-log"
chmod 0700 "$W/sss/pipes/private" "$W/etc-sssd"

note() { printf '%s\n' "$*" >>"$OUT/trace"; }

# Bounded wait: wait_until SECONDS COMMAND...
wait_until() {
  local limit="$1" deadline
  shift
  deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# --- TLS: a test CA and a server certificate for 127.0.0.1 --------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=hpc-ha identity test CA' \
  -keyout "$W/tls/ca.key" -out "$W/tls/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj '/CN=127.0.0.1' -keyout "$W/tls/server.key" -out "$W/tls/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$W/tls/san.ext"
openssl x509 -req -days 2 -in "$W/tls/server.csr" -CA "$W/tls/ca.pem" -CAkey "$W/tls/ca.key" -CAcreateserial \
  -extfile "$W/tls/san.ext" -out "$W/tls/server.pem" 2>/dev/null
cp "$W/tls/ca.pem" "$W/s3/test-bucket/directory-ca.pem"
sha256sum "$W/tls/ca.pem" | cut -d' ' -f1 >"$OUT/ca.sha256"

# --- slapd: RFC 2307 users alice and bob, a read-only bind user, on ldaps://127.0.0.1:PORT only ---------------------
cat >"$W/slapd/slapd.conf" <<EOF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile $W/slapd/slapd.pid
TLSCACertificateFile $W/tls/ca.pem
TLSCertificateFile $W/tls/server.pem
TLSCertificateKeyFile $W/tls/server.key
database mdb
maxsize 10485760
suffix "$BASE_DN"
rootdn "cn=admin,$BASE_DN"
directory $W/slapd/db
access to attrs=userPassword by anonymous auth by * none
access to * by dn.exact="cn=readonly,$BASE_DN" read by anonymous auth by * none
EOF
# Optional, for other packages' tests: more slapd.conf lines (e.g. an overlay for the database above).
[[ -z "${WORLD_SLAPD_EXTRA:-}" ]] || cat "$WORLD_SLAPD_EXTRA" >>"$W/slapd/slapd.conf"
hash_of() { slappasswd -h '{SSHA}' -T <(printf '%s' "$1"); }
cat >"$W/slapd/data.ldif" <<EOF
dn: $BASE_DN
objectClass: dcObject
objectClass: organization
o: hpc-ha test
dc: hpcha

dn: ou=people,$BASE_DN
objectClass: organizationalUnit
ou: people

dn: ou=groups,$BASE_DN
objectClass: organizationalUnit
ou: groups

dn: cn=readonly,$BASE_DN
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: readonly
userPassword: $(hash_of "$BIND_PASSWORD")

dn: cn=hpc-users,ou=groups,$BASE_DN
objectClass: posixGroup
cn: hpc-users
gidNumber: 16900
memberUid: alice
memberUid: bob

dn: uid=alice,ou=people,$BASE_DN
objectClass: inetOrgPerson
objectClass: posixAccount
uid: alice
cn: Alice Example
sn: Example
uidNumber: 16901
gidNumber: 16900
homeDirectory: /home/alice-from-directory
loginShell: /bin/bash
userPassword: $(hash_of "$ALICE_PASSWORD")

dn: uid=bob,ou=people,$BASE_DN
objectClass: inetOrgPerson
objectClass: posixAccount
uid: bob
cn: Bob Example
sn: Example
uidNumber: 16902
gidNumber: 16900
homeDirectory: /home/bob
loginShell: /bin/bash
userPassword: $(hash_of "$BOB_PASSWORD")
EOF
# Optional, for other packages' tests: more entries (the user passwords above are in the environment).
[[ -z "${WORLD_LDIF_EXTRA:-}" ]] || { printf '\n'; cat "$WORLD_LDIF_EXTRA"; } >>"$W/slapd/data.ldif"
slapadd -q -f "$W/slapd/slapd.conf" -l "$W/slapd/data.ldif"
slapd -f "$W/slapd/slapd.conf" -h "ldaps://127.0.0.1:$PORT/" -d 0 >"$OUT/slapd.log" 2>&1 &
note "slapd pid $!"
export LDAPTLS_CACERT="$W/tls/ca.pem"
wait_until 20 ldapwhoami -x -H "ldaps://127.0.0.1:$PORT" || {
  note "slapd did not answer on port $PORT"
  exit 3
}
unset LDAPTLS_CACERT

# --- the portal node's view: private sssd dirs, NSS and PAM, stub commands for what a node would install ----------
mount --bind "$W/etc-sssd" /etc/sssd
mount --bind "$W/sss" /var/lib/sss
mount -t tmpfs -o mode=0755 tmpfs /run
printf 'passwd: files sss\ngroup: files sss\nshadow: files\n' >"$W/nsswitch.conf"
mount --bind "$W/nsswitch.conf" /etc/nsswitch.conf
cat >"$W/pam.d/hpc-ha-portal" <<'EOF'
auth     required pam_sss.so
account  required pam_sss.so
session  required pam_mkhomedir.so skel=/etc/skel umask=0077
EOF
cat >"$W/pam.d/runuser" <<'EOF'
auth     sufficient pam_rootok.so
account  required pam_permit.so
session  required pam_permit.so
EOF
cat >"$W/pam.d/other" <<'EOF'
auth     required pam_deny.so
account  required pam_deny.so
session  required pam_deny.so
EOF
mount --bind "$W/pam.d" /etc/pam.d

# Stubs record their arguments, so the test can prove no secret was ever on a command line.
for cmd in dnf authselect systemctl; do
  printf '#!/usr/bin/env bash\nprintf "%%s\\n" "%s $*" >>"%s/calls"\n' "$cmd" "$OUT" >"$W/stubs/$cmd"
done
cat >"$W/stubs/aws" <<EOF
#!/usr/bin/env bash
printf '%s\n' "aws \$*" >>"$OUT/calls"
case "\$1 \$2" in
  "secretsmanager get-secret-value") printf '%s\n' "\$BIND_PASSWORD" ;;
  "s3 cp") src="\${@: -2:1}"; cp "$W/s3/\${src#s3://}" "\${@: -1}" ;;
  *) exit 2 ;;
esac
EOF
chmod +x "$W/stubs"/*
export PATH="$W/stubs:$PATH"

# --- the step under test, as a portal node runs it; twice, to show the second run changes nothing ----------------
step_log() { printf '%s\n' "$*" >>"$OUT/step.log"; }
log() { step_log "$@"; }
# shellcheck source=/dev/null
source "$W/portal-step.sh"
hpc_ha_configure_sssd >>"$OUT/step.log" 2>&1
printf 'first\n' >>"$OUT/calls"
hpc_ha_configure_sssd >>"$OUT/step.log" 2>&1
stat -c '%a %u %n' /etc/sssd/sssd.conf "/etc/sssd/conf.d/$(basename "$HPC_HA_SSSD_PASSWORD_SNIPPET")" \
  "$HPC_HA_DIRECTORY_CA_FILE" "$HPC_HA_DIRECTORY_HOME_ROOT" >"$OUT/modes"

# systemctl is a stub, so start sssd the way its unit would, in the foreground of this namespace.
sssd -i -c /etc/sssd/sssd.conf --logger=stderr -d 3 >"$OUT/sssd.log" 2>&1 &
note "sssd pid $!"
wait_until 20 test -S /var/lib/sss/pipes/nss || {
  note "sssd did not open its NSS socket"
  exit 4
}

# --- what a user would notice --------------------------------------------------------------------------------------
run() {
  local name="$1" rc=0
  shift
  "$@" >"$OUT/$name.out" 2>&1 || rc=$?
  printf '%s\n' "$rc" >"$OUT/$name.rc"
}
# The first lookup may race sssd going online; retry it for a bounded time.
wait_until 20 getent passwd alice || true
run getent-alice getent passwd alice
run getent-bob getent passwd bob
run getent-nobody getent passwd mallory
run group getent group hpc-users
run pam-alice-ok bash -c 'printf "%s\n" "$ALICE_PASSWORD" | pamtester hpc-ha-portal alice authenticate acct_mgmt'
run pam-alice-wrong bash -c 'printf "%s\n" "not-$ALICE_PASSWORD" | pamtester hpc-ha-portal alice authenticate'
run pam-bob-with-alice-password bash -c 'printf "%s\n" "$ALICE_PASSWORD" | pamtester hpc-ha-portal bob authenticate'
run session-alice bash -c 'printf "%s\n" "$ALICE_PASSWORD" | pamtester hpc-ha-portal alice authenticate open_session close_session'
run job-alice runuser -u alice -- bash -c 'cd && printf "result\n" >job.out && id -u && pwd'
stat -c '%a %u %g %n' "$HPC_HA_DIRECTORY_HOME_ROOT/alice" "$HPC_HA_DIRECTORY_HOME_ROOT/alice/job.out" >"$OUT/home" 2>&1 || true
# Optional, for other packages' tests: their own checks, inside this world (slapd and sssd still running).
if [[ -n "${WORLD_THEN:-}" ]]; then
  # shellcheck source=/dev/null
  source "$WORLD_THEN"
fi
note "done"
