import type { DeploymentConfigFile } from '../schema.js';
import type { Report } from './report.js';
import { quote } from './report.js';

const DEPLOYMENT_NAME = /^[a-z](?:[a-z0-9-]{0,22}[a-z0-9])?$/;

/** Stack and cluster names are derived from `name`, so it must suit both (cluster names ≤ 40 with accounting). */
export function checkIdentity(c: DeploymentConfigFile, r: Report): void {
  if (!DEPLOYMENT_NAME.test(c.name)) {
    r.error(
      ['name'],
      `${quote(c.name)} is not a valid deployment name: use 1 to 24 lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen`,
    );
  }
  if (c.account !== undefined && !/^\d{12}$/.test(c.account)) {
    r.error(['account'], `${quote(c.account)} is not an AWS account id (12 digits; quote it so leading zeros are kept)`);
  }
}
