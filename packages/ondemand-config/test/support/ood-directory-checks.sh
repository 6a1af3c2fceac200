# shellcheck shell=bash
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
