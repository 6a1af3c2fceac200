# shellcheck shell=bash
# hpc-ha: makes a directory user's home on the shared EFS before Open OnDemand starts that user's web server (PUN).
# A Dex (OpenID Connect) login runs no PAM session, so pam_oddjob_mkhomedir never fires and nginx_stage would show
# "Home directory not found". nginx_stage runs this as root, as `<path> --user <name>` (its pun_pre_hook_root_cmd,
# set through ood_portal.yml), without a shell, before it writes the PUN's config; only OOD_* variables are passed.
# The home is the one the directory gives the user (sssd's override_homedir): HOME_ROOT/<name>, owned by the user's
# uid and primary gid, mode 0700, with /etc/skel's files, like pam_mkhomedir. An existing home is never touched.
# Settings (HOME_ROOT, MIN_UID) are the readonly lines above this program.
set -Eeuo pipefail
umask 077
PATH=/usr/sbin:/usr/bin:/sbin:/bin

say() {
  printf 'hpc-ha-ood-home: %s\n' "$*" >&2
  logger -t hpc-ha-ood-home -- "$*" 2>/dev/null || true
}

user=""
while (($# > 0)); do
  case "$1" in
    --user)
      (($# >= 2)) || { say "--user needs a value"; exit 64; }
      user="$2"
      shift 2
      ;;
    --user=*) user="${1#--user=}"; shift ;;
    *) shift ;;
  esac
done
[[ -n "$user" ]] || { say "no --user given"; exit 64; }
# The name becomes one path component: no slash, not . or .., no control character.
if [[ "$user" == */* || "$user" == . || "$user" == .. || "$user" =~ [[:cntrl:]] ]]; then
  say "refusing the user name ${user@Q}"
  exit 65
fi

entry="$(getent passwd -- "$user")" || { say "no user ${user@Q} in the directory: nothing created"; exit 67; }
IFS=: read -r name _ uid gid _ home _ <<<"$entry"
# getent also answers a number with the user of that uid; only the exact name counts.
[[ "$name" == "$user" ]] || { say "${user@Q} resolves to ${name@Q}: nothing created"; exit 67; }
[[ "$uid" =~ ^[0-9]+$ && "$gid" =~ ^[0-9]+$ ]] || { say "${user@Q} has no numeric uid/gid"; exit 70; }
if ((10#$uid < MIN_UID)); then
  say "refusing ${user@Q}: uid $uid is below $MIN_UID (a system account)"
  exit 77
fi
if [[ "$home" != "$HOME_ROOT/$user" ]]; then
  say "refusing ${user@Q}: the directory's home ${home@Q} is not $HOME_ROOT/<user>"
  exit 78
fi
if [[ -L "$home" ]]; then
  say "refusing ${user@Q}: $home is a symbolic link"
  exit 73
fi
[[ ! -d "$home" ]] || exit 0
[[ ! -e "$home" ]] || { say "refusing ${user@Q}: $home exists and is not a directory"; exit 73; }
[[ -d "$HOME_ROOT" ]] || { say "$HOME_ROOT is missing (is the shared file system mounted?)"; exit 72; }

# Built aside and renamed into place, so nobody sees a half-made home; a concurrent start for the same user loses
# the rename race harmlessly (mv -n never replaces what the other made).
tmp="$(mktemp -d "$HOME_ROOT/.hpc-ha-new-home.XXXXXX")"
trap 'rm -rf -- "$tmp"' EXIT
[[ ! -d /etc/skel ]] || cp -a /etc/skel/. "$tmp/"
chown -hR -- "$uid:$gid" "$tmp"
chmod 0700 "$tmp"
mv -n -T -- "$tmp" "$home" || true
if [[ -d "$home" && ! -L "$home" ]]; then
  say "created $home for ${user@Q} (uid $uid, gid $gid)"
else
  say "could not create $home for ${user@Q}"
  exit 73
fi
