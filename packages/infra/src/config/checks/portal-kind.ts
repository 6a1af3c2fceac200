import type { RegionProfile } from '../region-profile.js';
import type { DeploymentConfigFile } from '../schema.js';
import { checkSha, checkUri } from './artifacts.js';
import type { Report } from './report.js';
import { quote } from './report.js';

const ENGINFRAME_ONLY = ['adminPasswordSecretArn', 'installer', 'jdbcDriver'] as const;
const VERSION = /^\d+\.\d+\.\d+$/;
const COLOR = /^#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$/;
const HOST = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** What each portal kind needs from the file, and what it would silently ignore. */
export function checkPortalKind(c: DeploymentConfigFile, profile: RegionProfile | undefined, r: Report): void {
  if (c.portal.kind === 'enginframe') {
    for (const key of ENGINFRAME_ONLY) {
      if (c.portal[key] === undefined) r.error(['portal', key], 'is required but missing (EnginFrame needs it; or set portal.kind: openondemand)');
    }
    if (c.portal.openondemand !== undefined) {
      r.error(['portal', 'openondemand'], 'applies only with portal.kind: openondemand; remove it or set portal.kind', 'key');
    }
    return;
  }
  for (const key of [...ENGINFRAME_ONLY, 'licenseFile'] as const) {
    if (c.portal[key] !== undefined) r.error(['portal', key], 'is an EnginFrame setting; Open OnDemand (portal.kind: openondemand) does not use it', 'key');
  }
  if (c.directory.type === 'none') {
    r.error(
      ['portal', 'kind'],
      'openondemand needs a directory: set directory.type to ldap or activeDirectory (each user logs in with a directory account and their web server runs as that user)',
    );
  }
  if (c.clusters.provisioner !== 'cloudformation') {
    r.error(['clusters', 'provisioner'], 'Open OnDemand portals join CloudFormation clusters: use provisioner cloudformation (instance is for EnginFrame and ParallelCluster 2.x)');
  }
  const ood = c.portal.openondemand;
  if (!ood) return;
  const at = (key: string) => ['portal', 'openondemand', key];
  if (!VERSION.test(ood.version)) r.error(at('version'), `${quote(ood.version)} is not an Open OnDemand version such as 4.2.3 (quote it in YAML)`);
  if (ood.bundle && ood.repositoryUrl !== undefined) r.error(at('bundle'), 'give either repositoryUrl or bundle, not both', 'key');
  if (ood.repositoryUrl !== undefined && !/^https:\/\/[^\s|/]+(\/[^\s|]*)?[^/\s|]$/.test(ood.repositoryUrl)) {
    r.error(at('repositoryUrl'), `${quote(ood.repositoryUrl)} must be an https:// URL without a trailing slash`);
  }
  if (ood.bundle) {
    checkUri(['portal', 'openondemand', 'bundle', 'uri'], ood.bundle.uri, profile, r);
    checkSha(['portal', 'openondemand', 'bundle', 'sha256'], ood.bundle.sha256, r);
  } else if (profile?.partition === 'aws-cn' && ood.repositoryUrl === undefined) {
    r.warning(
      at('version'),
      `nodes in ${profile.region} install Open OnDemand from https://yum.osc.edu, which may be slow or unreachable from China; portal.openondemand.bundle (a tar of the RPMs in an S3 bucket in ${profile.region}) is more reliable`,
    );
  }
  if (ood.brandColor !== undefined && !COLOR.test(ood.brandColor)) r.error(at('brandColor'), `${quote(ood.brandColor)} is not a colour such as #003366`);
  if (ood.title.length === 0 || ood.title.length > 128 || /[\n\r]/.test(ood.title)) r.error(at('title'), 'must be one line of 1 to 128 characters');
  if (ood.clusters !== undefined) {
    if (ood.clusters.length === 0) r.error(at('clusters'), 'lists no cluster; omit it to offer both');
    ood.clusters.forEach((name, i) => {
      if (ood.clusters!.indexOf(name) !== i) r.error(['portal', 'openondemand', 'clusters', i], `${quote(name)} is listed twice`);
    });
  }
  if (ood.serverName !== undefined && !HOST.test(ood.serverName)) r.error(at('serverName'), `${quote(ood.serverName)} is not a DNS name such as hpc.example.cn`);
}
