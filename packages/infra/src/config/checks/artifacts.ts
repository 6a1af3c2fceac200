import { INTRO_TARGETS, releaseLine } from '@hpc-ha/enginframe-config/intro-targets';
import type { PathSegment } from '../paths.js';
import type { RegionProfile } from '../region-profile.js';
import type { DeploymentConfigFile } from '../schema.js';
import type { Report } from './report.js';
import { quote } from './report.js';

const S3_URI = /^s3:\/\/([^/]+)\/(.+)$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function checkUri(path: readonly PathSegment[], uri: string, profile: RegionProfile | undefined, r: Report): void {
  if (uri.startsWith('s3://')) {
    const m = S3_URI.exec(uri);
    if (!m) r.error(path, `${quote(uri)} names no object; write s3://<bucket>/<key>`);
    else if (!BUCKET.test(m[1]!)) r.error(path, `${quote(m[1])} is not a valid S3 bucket name`);
    return;
  }
  if (!uri.startsWith('https://')) {
    r.error(path, `${quote(uri)} must start with s3:// or https:// (plain http and other schemes are not accepted)`);
    return;
  }
  let host: string;
  try {
    host = new URL(uri).hostname;
  } catch {
    r.error(path, `${quote(uri)} is not a valid URL`);
    return;
  }
  if (!profile) return;
  // An AWS endpoint of the other partition is never reachable with this partition's credentials.
  const awsHost = /\.amazonaws\.com(\.cn)?$/.exec(host);
  if (awsHost && awsHost[0] !== `.${profile.urlSuffix}`) {
    r.error(path, `${quote(host)} is an endpoint of another AWS partition; nodes in ${profile.region} use *.${profile.urlSuffix} (or give an s3:// URI)`);
  } else if (profile.partition === 'aws-cn' && !awsHost) {
    r.warning(path, `nodes in ${profile.region} may not reach ${quote(host)}; staging the file in an S3 bucket in ${profile.region} is more reliable`);
  }
}

export function checkSha(path: readonly PathSegment[], sha: string | undefined, r: Report): void {
  if (sha !== undefined && !/^[0-9a-fA-F]{64}$/.test(sha)) {
    r.error(path, `must be 64 hexadecimal characters (a SHA-256 such as \`sha256sum\` prints); got ${sha.length} characters`);
  }
}

const INSTALLER_NAME = /(?:^|\/)enginframe-(\d{4}\.\d+-r\d+)\.jar$/;
const ENGINFRAME_VERSION = /^\d{4}\.\d+-r\d+$/;

/** The EnginFrame build: written in the file, or read from the jar's published name (enginframe-2021.0-r1667.jar). */
export function enginframeVersion(c: DeploymentConfigFile): string | undefined {
  const installer = c.portal.installer;
  return installer && (installer.version ?? INSTALLER_NAME.exec(installer.uri.split('?')[0]!)?.[1]);
}

/** The nodes need the build number: it picks the installer's components and names the install directory on EFS. */
function checkEnginframeVersion(c: DeploymentConfigFile, r: Report): void {
  const given = c.portal.installer?.version;
  if (given !== undefined) {
    if (!ENGINFRAME_VERSION.test(given)) {
      r.error(['portal', 'installer', 'version'], `${quote(given)} is not an EnginFrame build such as 2021.0-r1667`);
    }
  } else if (enginframeVersion(c) === undefined) {
    r.error(
      ['portal', 'installer', 'uri'],
      'does not say which EnginFrame build it is: name the file enginframe-<version>.jar as NICE publishes it (e.g. enginframe-2021.0-r1667.jar), or set portal.installer.version',
    );
    return;
  }
  // The unattended install needs the installer's component list, which is known per release line.
  const version = enginframeVersion(c);
  if (version !== undefined && ENGINFRAME_VERSION.test(version) && !Object.hasOwn(INTRO_TARGETS, releaseLine(version))) {
    r.error(
      given !== undefined ? ['portal', 'installer', 'version'] : ['portal', 'installer', 'uri'],
      `EnginFrame ${version} is of release line ${releaseLine(version)}, whose unattended-install component list hpc-ha does not know; supported: ${Object.keys(INTRO_TARGETS).join(', ')}`,
    );
  }
}

export function checkArtifacts(c: DeploymentConfigFile, profile: RegionProfile | undefined, r: Report): void {
  if (c.portal.installer) checkEnginframeVersion(c, r);
  for (const key of ['installer', 'jdbcDriver', 'licenseFile'] as const) {
    const artifact = c.portal[key];
    if (!artifact) continue;
    checkUri(['portal', key, 'uri'], artifact.uri, profile, r);
    checkSha(['portal', key, 'sha256'], artifact.sha256, r);
  }
  if (c.clusters.pipIndexUrl !== undefined) {
    if (!/^https:\/\/[^/\s]+(\/\S*)?$/.test(c.clusters.pipIndexUrl)) {
      r.error(['clusters', 'pipIndexUrl'], `${quote(c.clusters.pipIndexUrl)} must be an https:// URL of a Python package index`);
    }
  }
}
