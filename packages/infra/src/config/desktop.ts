/**
 * The Open OnDemand Desktop app as the loaded config gives it: on, with its defaults filled, or undefined. One place
 * for the artifacts (portal files, compute-node script) and the VPC stack (the portal-to-compute rule) to ask.
 */
import type { DeploymentConfig } from './resolved.js';
import type { OpenOnDemandConfigFile } from './ondemand-schema.js';

export type DesktopConfig = Required<Pick<NonNullable<OpenOnDemandConfigFile['desktop']>, 'session' | 'maxHours' | 'maxCores'>> &
  Pick<NonNullable<OpenOnDemandConfigFile['desktop']>, 'bundle'>;

export function ondemandDesktop(config: Pick<DeploymentConfig, 'portal'>): DesktopConfig | undefined {
  if (config.portal.kind !== 'openondemand') return undefined;
  const d = config.portal.openondemand.desktop;
  if (!d || d.enabled === false) return undefined;
  return { session: d.session ?? 'xfce', maxHours: d.maxHours ?? 8, maxCores: d.maxCores ?? 4, ...(d.bundle ? { bundle: d.bundle } : {}) };
}
