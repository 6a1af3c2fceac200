import { DESKTOP_AVAILABILITY } from '@hpc-ha/pcluster-config/desktop-availability';
import type { RegionProfile } from '../region-profile.js';
import type { DeploymentConfigFile } from '../schema.js';
import { checkSha, checkUri } from './artifacts.js';
import type { Report } from './report.js';

const AT = ['portal', 'openondemand', 'desktop'] as const;

/**
 * The Desktop app needs a VNC server, websockify and a desktop on every compute node: from the OS repositories
 * where they have them, from the user's bundle elsewhere. Refuse the combination that would deploy a menu entry
 * whose every session fails.
 */
export function checkDesktop(c: DeploymentConfigFile, profile: RegionProfile | undefined, r: Report): void {
  const d = c.portal.kind === 'openondemand' ? c.portal.openondemand?.desktop : undefined;
  if (!d || d.enabled === false) return;
  if (c.clusters.parallelclusterVersion.startsWith('2.')) {
    r.error([...AT], 'needs ParallelCluster 3 clusters (the desktop packages are installed by the 3.x compute-node custom action)', 'key');
    return;
  }
  if (d.bundle) {
    checkUri([...AT, 'bundle', 'uri'], d.bundle.uri, profile, r);
    checkSha([...AT, 'bundle', 'sha256'], d.bundle.sha256, r);
    return;
  }
  const availability = DESKTOP_AVAILABILITY[c.clusters.os as keyof typeof DESKTOP_AVAILABILITY];
  if (!availability) {
    r.error([...AT], `the Desktop app is unavailable on clusters.os ${c.clusters.os}: no desktop packages are known for it; stage them as desktop.bundle`, 'key');
  } else if (!availability.repositories) {
    r.error(
      [...AT],
      `the Desktop app is unavailable on clusters.os ${c.clusters.os} without desktop.bundle: ${availability.reason}. Stage TurboVNC, websockify and the desktop as a tar of packages (desktop.bundle), or use an Ubuntu cluster OS`,
      'key',
    );
  }
}
