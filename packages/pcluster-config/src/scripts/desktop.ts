import type { ResolvedClusterSpec } from '../spec/cluster-spec.js';
import type { SPEC_OSES } from '../spec/cluster-spec.js';
import { DESKTOP_AVAILABILITY } from '../desktop-availability.js';
import { shellQuote } from './shell.js';
import { DESKTOP_BIN_DIR, TIGERVNC_SHIM } from './vncserver-shim.js';

type SpecOs = (typeof SPEC_OSES)[number];
export type DesktopSession = 'xfce' | 'mate';

const UBUNTU_PACKAGES: Record<DesktopSession, string[]> = {
  xfce: ['tigervnc-standalone-server', 'tigervnc-common', 'websockify', 'xfce4', 'xfce4-terminal', 'dbus-x11'],
  mate: ['tigervnc-standalone-server', 'tigervnc-common', 'websockify', 'mate-desktop-environment-core', 'dbus-x11'],
};
const SESSION_COMMAND: Record<DesktopSession, string> = { xfce: 'xfce4-session', mate: 'mate-session' };

const isUbuntu = (os: SpecOs): boolean => os.startsWith('ubuntu');

/**
 * The compute-node step for the Desktop app: installs the packages from the OS repositories (Ubuntu) or from the
 * bundle (a tar of .rpm or .deb files for this OS, checked against its SHA-256), makes TurboVNC's commands reachable
 * on the PATH a job has, then checks every command the vnc template and the desktop script run. Empty without
 * `spec.desktop`.
 */
export function desktopSection(spec: ResolvedClusterSpec): string {
  const d = spec.desktop;
  if (!d) return '';
  const session = (d.session ?? 'xfce') as DesktopSession;
  const os = spec.os as SpecOs;
  const ext = isUbuntu(os) ? 'deb' : 'rpm';
  const install = isUbuntu(os)
    ? 'DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends'
    : `${os === 'alinux2' ? 'yum' : 'dnf'} install -y`;
  const fromRepos = isUbuntu(os)
    ? `  DEBIAN_FRONTEND=noninteractive apt-get update -q
  ${install} ${UBUNTU_PACKAGES[session].join(' ')}
  # 1.13 and later ship vncpasswd separately.
  if apt-cache show tigervnc-tools >/dev/null 2>&1; then ${install} tigervnc-tools; fi`
    : `  die "the desktop needs a bundle on ${os}: ${DESKTOP_AVAILABILITY[os].reason}"`;
  const fromBundle = d.bundle
    ? `  local dir actual
  dir="$(mktemp -d)"
  case "$DESKTOP_BUNDLE_URI" in
    s3://*) aws s3 cp --only-show-errors --region ${shellQuote(spec.region)} "$DESKTOP_BUNDLE_URI" "$dir/bundle.tar" ||
      die "could not download the desktop bundle $DESKTOP_BUNDLE_URI (the queues' S3Access names it)" ;;
    *) curl -fsSL --retry 5 --connect-timeout 20 -o "$dir/bundle.tar" "$DESKTOP_BUNDLE_URI" ||
      die "could not download the desktop bundle $DESKTOP_BUNDLE_URI" ;;
  esac
  actual="$(sha256sum "$dir/bundle.tar")"
  actual="\${actual%% *}"
  [[ "$actual" == "$DESKTOP_BUNDLE_SHA256" ]] || die "the desktop bundle's SHA-256 is $actual, not $DESKTOP_BUNDLE_SHA256: refusing it"
  mkdir "$dir/packages"
  tar -xf "$dir/bundle.tar" -C "$dir/packages"
  local -a files
  mapfile -t files < <(find "$dir/packages" -type f -name '*.${ext}' | sort)
  ((\${#files[@]} > 0)) || die "the desktop bundle holds no .${ext} packages for ${os}"
  ${install} "\${files[@]}"
  rm -rf "$dir"`
    : '';
  return `
# --- Open OnDemand Desktop: a VNC server, websockify and ${session === 'xfce' ? 'Xfce' : 'MATE'} for the Desktop app's jobs ---
${d.bundle ? `readonly DESKTOP_BUNDLE_URI=${shellQuote(d.bundle.uri)}
readonly DESKTOP_BUNDLE_SHA256=${shellQuote(d.bundle.sha256)}
` : ''}install_desktop() {
${fromBundle || fromRepos}
  # The vnc template runs plain vncserver and vncpasswd; the cluster files put ${DESKTOP_BIN_DIR} first on the job's
  # PATH, so these are the ones it gets: TurboVNC's where installed (whatever TigerVNC is there too), else the shim
  # that makes Ubuntu's TigerVNC speak TurboVNC's dialect.
  local cmd root="\${HPC_HA_ROOT:-}" bin missing=()
  bin="$root${DESKTOP_BIN_DIR}"
  mkdir -p "$bin"
  if [[ -x "$root/opt/TurboVNC/bin/vncserver" ]]; then
    for cmd in vncserver vncpasswd; do ln -sfn "$root/opt/TurboVNC/bin/$cmd" "$bin/$cmd"; done
  else
    cat >"$bin/vncserver.new" <<'HPC_HA_VNCSERVER_SHIM'
${TIGERVNC_SHIM}HPC_HA_VNCSERVER_SHIM
    chmod 0755 "$bin/vncserver.new"
    mv -f "$bin/vncserver.new" "$bin/vncserver"
    command -v Xvnc >/dev/null 2>&1 || missing+=(Xvnc)
    if cmd="$(command -v vncpasswd)"; then ln -sfn "$cmd" "$bin/vncpasswd"; fi
  fi
  for cmd in vncserver vncpasswd; do [[ -x "$bin/$cmd" ]] || missing+=("${DESKTOP_BIN_DIR}/$cmd"); done
  command -v ${SESSION_COMMAND[session]} >/dev/null 2>&1 || missing+=(${SESSION_COMMAND[session]})
  [[ -x "$root/usr/bin/websockify" ]] || missing+=(/usr/bin/websockify)
  ((\${#missing[@]} == 0)) || die "the desktop packages left out: \${missing[*]}"
  log "desktop packages ready (${session})"
}
install_desktop
`;
}
