/**
 * Which cluster OSes can run Open OnDemand's Desktop sessions from their own repositories. Its own entry point
 * (`@hpc-ha/pcluster-config/desktop-availability`) so that a config loader can check it without loading the
 * package's schemas and validators.
 */
import type { SPEC_OSES } from './spec/cluster-spec.js';

type SpecOs = (typeof SPEC_OSES)[number];

/**
 * Where a compute node gets what Open OnDemand's Desktop app runs: a VNC server whose `vncserver` a user can start
 * (the vnc template calls it), websockify, and a desktop. `repositories`: the OS's own repositories have all three;
 * otherwise the user stages a bundle, and `reason` says why.
 */
export interface DesktopAvailability {
  readonly repositories: boolean;
  readonly reason: string;
}

const UBUNTU = 'Ubuntu universe has tigervnc-standalone-server (its Xvnc, run through the compute step’s vncserver shim), websockify, Xfce and MATE';
const EL =
  'AppStream’s tigervnc-server (1.11 and later) starts sessions only through systemd, with no vncserver a user can run, and TurboVNC (what Open OnDemand recommends) is in neither the OS repositories nor EPEL; Xfce, MATE and python3-websockify are in EPEL';

/** Per OS; see the package README for the sources. */
export const DESKTOP_AVAILABILITY: Readonly<Record<SpecOs, DesktopAvailability>> = {
  ubuntu2004: { repositories: true, reason: UBUNTU },
  ubuntu2204: { repositories: true, reason: UBUNTU },
  ubuntu2404: { repositories: true, reason: UBUNTU },
  rhel8: { repositories: false, reason: EL },
  rocky8: { repositories: false, reason: EL },
  rhel9: { repositories: false, reason: EL },
  rocky9: { repositories: false, reason: EL },
  alinux2023: {
    repositories: false,
    reason: 'Amazon Linux 2023 has no EPEL, and its repositories carry no Xfce or MATE, no websockify and no VNC server with a user-run vncserver',
  },
  alinux2: {
    repositories: false,
    reason: 'Amazon Linux 2’s repositories and extras carry no websockify, and EPEL 7 is end of life',
  },
};

