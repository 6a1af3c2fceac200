import type { ResolvedClusterSpec } from '../spec/cluster-spec.js';

/** The marker lines of the block this script owns at the top of sshd_config. */
export const SSHD_BLOCK_BEGIN = '# BEGIN hpc-ha: password logins off (rewritten by the head-node script; do not edit)';
export const SSHD_BLOCK_END = '# END hpc-ha';

/**
 * Top-level bash that turns sshd's password and keyboard-interactive (PAM password) logins off on the head node,
 * unless the spec asks for them (`headNodeSsh.passwordAuthentication: true`). ParallelCluster's directory recipe
 * writes `PasswordAuthentication yes` into sshd_config before OnNodeConfigured and again before OnNodeUpdated runs,
 * so the script runs after it both times. sshd keeps the first value it reads for each keyword, so a block at the
 * very top (before any Include or Match) wins over the recipe's line wherever it is. The new file is checked with
 * `sshd -t` before it replaces the old one, and sshd is reloaded only when the file changed. Needs pathsSection.
 */
export function sshdSection(spec: ResolvedClusterSpec): string {
  const allow = spec.headNodeSsh?.passwordAuthentication === true;
  // ChallengeResponseAuthentication: the keyword every OpenSSH the supported OSes ship understands (7.4 to 9.x).
  const lines = allow ? [] : ['PasswordAuthentication no', 'ChallengeResponseAuthentication no'];
  return `
# --- sshd: ${allow ? 'password logins as ParallelCluster configures them (the spec asks for them)' : 'key-based logins only; ParallelCluster\'s directory recipe turned password logins on'} ---
readonly SSHD_CONFIG="\${ROOT}/etc/ssh/sshd_config"
readonly SSHD_BEGIN='${SSHD_BLOCK_BEGIN}'
readonly SSHD_END='${SSHD_BLOCK_END}'
apply_sshd_block() {
  local tmp
  [[ -f "$SSHD_CONFIG" ]] || die "$SSHD_CONFIG does not exist"
  tmp="$(mktemp "$SSHD_CONFIG.hpc-ha.XXXXXX")"
  TMP_FILES+=("$tmp")
  {
${lines.length ? `    printf '%s\\n' "$SSHD_BEGIN" ${lines.map((l) => `'${l}'`).join(' ')} "$SSHD_END"\n` : ''}    awk -v b="$SSHD_BEGIN" -v e="$SSHD_END" '$0 == b { skip = 1; next } skip && $0 == e { skip = 0; next } !skip' "$SSHD_CONFIG"
  } >"$tmp"
  if cmp -s "$tmp" "$SSHD_CONFIG"; then
    log "sshd_config already as wanted"
    return 0
  fi
  sshd -t -f "$tmp" || die "the new sshd_config fails sshd -t; left $SSHD_CONFIG unchanged"
  chmod --reference="$SSHD_CONFIG" "$tmp"
  mv -f "$tmp" "$SSHD_CONFIG"
  # The unit is sshd on Amazon Linux and RHEL, ssh on Ubuntu.
  systemctl reload sshd || systemctl reload ssh || die "sshd_config changed but sshd did not reload"
  log "${allow ? 'removed the hpc-ha block from sshd_config' : 'password and keyboard-interactive logins turned off in sshd_config'}"
}
apply_sshd_block
`;
}
