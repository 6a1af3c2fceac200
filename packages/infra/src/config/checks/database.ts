import type { RegionProfile } from '../region-profile.js';
import type { DeploymentConfigFile } from '../schema.js';
import type { Report } from './report.js';
import { quote } from './report.js';

const isHalfStep = (n: number) => Number.isInteger(n * 2);

export function checkDatabase(c: DeploymentConfigFile, profile: RegionProfile | undefined, r: Report): void {
  const db = c.database;
  if (db.engineVersion !== undefined && profile && !profile.auroraMysqlVersions.includes(db.engineVersion)) {
    r.error(['database', 'engineVersion'], `Aurora MySQL ${quote(db.engineVersion)} is not one hpc-ha knows to exist in ${profile.region}; use one of ${profile.auroraMysqlVersions.join(', ')}`);
  }
  for (const key of ['minCapacity', 'maxCapacity'] as const) {
    const v = db[key];
    if (v < 0.5 || v > 256) r.error(['database', key], `${v} ACU is outside Aurora Serverless v2's range of 0.5 to 256 ACU`);
    else if (!isHalfStep(v)) r.error(['database', key], `${v} ACU is not a multiple of 0.5`);
  }
  if (db.minCapacity > db.maxCapacity) {
    r.error(['database', 'minCapacity'], `minCapacity (${db.minCapacity}) is larger than maxCapacity (${db.maxCapacity})`);
  }
  if (db.mode === 'provisioned') {
    if (db.instanceType === undefined) {
      r.error(['database', 'mode'], 'mode: provisioned needs database.instanceType (a DB instance class such as db.r6g.large)');
    } else if (!/^db\.[a-z0-9]+\.[a-z0-9]+$/.test(db.instanceType)) {
      r.error(['database', 'instanceType'], `${quote(db.instanceType)} is not a DB instance class (expected e.g. db.r6g.large)`);
    }
  } else if (db.instanceType !== undefined) {
    r.error(['database', 'instanceType'], 'is only used with mode: provisioned; remove it or set database.mode: provisioned');
  }
}
