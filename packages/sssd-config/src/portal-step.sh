# shellcheck shell=bash
# hpc-ha portal step "directory": directory users on this node through sssd, for PAM (portal login) and NSS (jobs
# run as those users). Self-contained so that any portal bootstrap can reuse it: source it, set the variables
# below, call hpc_ha_configure_sssd. Uses the host's log() when it has one. Idempotent: files are rewritten only
# when their content changes, sssd is restarted only then (on any change). Every command is checked here, not left to
# errexit: a caller may run the step where errexit is off (on the left of `||`), and a failed authselect or sssd
# restart must still fail it. On failure HPC_HA_SSSD_FAILURE says what failed. No pipe feeds a function of the step:
# without lastpipe a piped function runs in a subshell and its HPC_HA_SSSD_CHANGED would be lost.
#
#   HPC_HA_DIRECTORY_TYPE        none | ldap | activeDirectory (none: the step does nothing)
#   HPC_HA_SSSD_CONF             sssd.conf text (renderSssdConf); no secret in it
#   HPC_HA_SSSD_PASSWORD_SNIPPET where the bind password goes (a conf.d snippet, root 0600)
#   HPC_HA_DIRECTORY_SECRET_ARN  Secrets Manager secret; SecretString = the bind password, plain text
#   HPC_HA_DIRECTORY_CA_URI      s3:// or https:// PEM CA bundle, or empty
#   HPC_HA_DIRECTORY_CA_SHA256   its SHA-256, or empty
#   HPC_HA_DIRECTORY_CA_FILE     where sssd.conf expects the CA bundle (on shared EFS, so clusters read it too)
#   HPC_HA_DIRECTORY_HOME_ROOT   parent of every user's home (on shared EFS)
#   HPC_HA_REGION                for the Secrets Manager and S3 calls
#   HPC_HA_SYSROOT               test-only prefix for system paths; empty on a node

hpc_ha_sssd_log() {
  if declare -F log >/dev/null; then log "$*"; else printf 'hpc-ha directory: %s\n' "$*"; fi
}

hpc_ha_sssd_fail() {
  HPC_HA_SSSD_FAILURE="$*"
  hpc_ha_sssd_log "ERROR: $*"
  return 1
}

# hpc_ha_sssd_install FILE MODE < content: atomic; the temporary file has its final mode before any byte is written,
# so a secret is never readable by anyone else, not even briefly. Sets HPC_HA_SSSD_CHANGED=1 when FILE changed.
hpc_ha_sssd_install() {
  local file="$1" mode="$2" tmp
  mkdir -p "$(dirname "$file")"
  tmp="$(umask 077 && mktemp "$file.hpc-ha.XXXXXX")"
  chmod "$mode" "$tmp"
  if ! cat >"$tmp"; then
    rm -f "$tmp"
    return 1
  fi
  if [[ -f "$file" ]] && cmp -s "$tmp" "$file"; then
    rm -f "$tmp"
    return 0
  fi
  chown 0:0 "$tmp"
  mv -f "$tmp" "$file"
  HPC_HA_SSSD_CHANGED=1
}

hpc_ha_sssd_fetch_ca() {
  local root="$1" uri="$HPC_HA_DIRECTORY_CA_URI" part actual ok=1
  case "$uri" in
    s3://* | https://*) ;;
    *)
      hpc_ha_sssd_fail "unsupported CA certificate URI ${uri%%\?*} (use s3:// or https://)"
      return 1
      ;;
  esac
  part="$(mktemp "${TMPDIR:-/tmp}/hpc-ha-ca.XXXXXX")"
  if [[ "$uri" == s3://* ]]; then
    aws s3 cp --only-show-errors --region "$HPC_HA_REGION" "$uri" "$part" || ok=0
  else
    # The URL (a pre-signed one carries a credential) reaches curl on stdin, never in its argument list.
    printf 'url = "%s"\n' "$uri" | curl --config - -fsSL --retry 5 --connect-timeout 20 --max-time 300 -o "$part" || ok=0
  fi
  if ((ok == 0)); then
    rm -f "$part"
    hpc_ha_sssd_fail "could not download the directory CA certificate ${uri%%\?*}"
    return 1
  fi
  if [[ -n "$HPC_HA_DIRECTORY_CA_SHA256" ]]; then
    actual="$(sha256sum "$part")"
    actual="${actual%% *}"
    if [[ "$actual" != "$HPC_HA_DIRECTORY_CA_SHA256" ]]; then
      rm -f "$part"
      hpc_ha_sssd_fail "SHA-256 mismatch for the directory CA certificate: expected $HPC_HA_DIRECTORY_CA_SHA256, got $actual"
      return 1
    fi
  fi
  if ! openssl x509 -noout -in "$part" >/dev/null 2>&1; then
    rm -f "$part"
    hpc_ha_sssd_fail "the directory CA certificate is not a PEM certificate"
    return 1
  fi
  hpc_ha_sssd_install "$root$HPC_HA_DIRECTORY_CA_FILE" 0644 <"$part" ||
    { rm -f "$part"; hpc_ha_sssd_fail "could not install the directory CA certificate" || return 1; }
  rm -f "$part"
}

# The bind password goes from Secrets Manager to the root-only snippet through a pipe and shell variables only:
# never an argument list, the log or another file.
hpc_ha_sssd_write_password() {
  local root="$1" password
  password="$(aws secretsmanager get-secret-value --region "$HPC_HA_REGION" --secret-id "$HPC_HA_DIRECTORY_SECRET_ARN" \
    --query SecretString --output text)" || {
    hpc_ha_sssd_fail "could not read the directory bind password secret"
    return 1
  }
  # sssd.conf has no quoting: a value is the rest of its line, surrounding spaces dropped.
  if [[ -z "$password" || "$password" == *$'\n'* || "$password" == *$'\r'* || "$password" != "${password#[[:space:]]}" ||
    "$password" != "${password%[[:space:]]}" ]]; then
    unset password
    hpc_ha_sssd_fail "the directory bind password must be one line of plain text without leading or trailing spaces (not JSON)"
    return 1
  fi
  hpc_ha_sssd_install "$root$HPC_HA_SSSD_PASSWORD_SNIPPET" 0600 \
    < <(printf '[domain/default]\nldap_default_authtok_type = password\nldap_default_authtok = %s\n' "$password") ||
    { hpc_ha_sssd_fail "could not write the bind password snippet" || return 1; }
  unset password
}

hpc_ha_configure_sssd() {
  [[ "${HPC_HA_DIRECTORY_TYPE:-none}" != none ]] || return 0
  local root="${HPC_HA_SYSROOT:-}" conf
  conf="$root/etc/sssd/sssd.conf"
  HPC_HA_SSSD_CHANGED=0
  # shellcheck disable=SC2034 # read by the host program when the step fails
  HPC_HA_SSSD_FAILURE=""
  dnf install -y --setopt=install_weak_deps=False sssd sssd-ldap sssd-tools oddjob-mkhomedir authselect ||
    { hpc_ha_sssd_fail "dnf could not install sssd, sssd-ldap, sssd-tools, oddjob-mkhomedir and authselect" || return 1; }
  if [[ -n "$HPC_HA_DIRECTORY_CA_URI" ]]; then hpc_ha_sssd_fetch_ca "$root" || return 1; fi
  hpc_ha_sssd_install "$conf" 0600 < <(printf '%s' "$HPC_HA_SSSD_CONF") ||
    { hpc_ha_sssd_fail "could not write ${conf#"$root"}" || return 1; }
  hpc_ha_sssd_write_password "$root" || return 1
  sssctl config-check --config="$conf" --snippet="$(dirname "$root$HPC_HA_SSSD_PASSWORD_SNIPPET")" ||
    { hpc_ha_sssd_fail "sssctl config-check refused ${conf#"$root"}" || return 1; }

  # Homes live on the shared file system, created at first login by pam_oddjob_mkhomedir (mode 0700).
  { mkdir -p "$root$HPC_HA_DIRECTORY_HOME_ROOT" && chmod 0755 "$root$HPC_HA_DIRECTORY_HOME_ROOT"; } ||
    { hpc_ha_sssd_fail "could not create the home root $HPC_HA_DIRECTORY_HOME_ROOT" || return 1; }
  # system-auth (EnginFrame's PAM service) and password-auth then ask sssd; NSS gets "sss" for passwd and group.
  authselect select sssd with-mkhomedir --force ||
    { hpc_ha_sssd_fail "authselect select sssd with-mkhomedir failed" || return 1; }
  systemctl enable --now oddjobd || { hpc_ha_sssd_fail "oddjobd does not start" || return 1; }
  if ((HPC_HA_SSSD_CHANGED)); then
    systemctl enable sssd || { hpc_ha_sssd_fail "cannot enable sssd" || return 1; }
    systemctl restart sssd || { hpc_ha_sssd_fail "sssd does not start with the new configuration (systemctl restart sssd)" || return 1; }
    hpc_ha_sssd_log "sssd configured for the $HPC_HA_DIRECTORY_TYPE directory; sssd restarted"
  else
    systemctl enable --now sssd || { hpc_ha_sssd_fail "sssd does not start (systemctl enable --now sssd)" || return 1; }
    hpc_ha_sssd_log "sssd configuration unchanged"
  fi
}
