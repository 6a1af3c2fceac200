import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { RegionProfile } from '@hpc-ha/infra/config';
import { EXIT_OK, usageError, type ExitCode } from '../exit.js';
import { renderInitConfig, type InitAnswers } from '../init-template.js';
import type { Ui } from '../ui.js';
import { CHECK } from '../ui.js';
import { requireOutFile } from '../out-path.js';

export interface InitFlags {
  region?: string;
  name?: string;
  out: string;
  force?: boolean;
  yes?: boolean;
  portal?: string;
}

const DEFAULT_REGION = 'cn-north-1';

function schemaRef(outFile: string): string {
  try {
    const infraPackage = createRequire(import.meta.url).resolve('@hpc-ha/infra/package.json');
    const schema = join(dirname(infraPackage), 'schema', 'hpc-ha.schema.json');
    const rel = relative(dirname(resolve(outFile)), schema).split(sep).join('/');
    return rel.startsWith('.') ? rel : `./${rel}`;
  } catch {
    return 'hpc-ha.schema.json';
  }
}

function defaults(profile: RegionProfile, name: string, out: string): InitAnswers {
  const bucket = `my-hpc-artifacts-${profile.region}`;
  return {
    name,
    region: profile.region,
    partition: profile.partition,
    availabilityZones: [profile.availabilityZones[0]!, profile.availabilityZones[1]!],
    internetFacing: profile.defaultInternetFacing,
    allowedCidrs: ['10.0.0.0/8'],
    portalInstanceType: 'm5.xlarge',
    installerUri: `s3://${bucket}/enginframe/enginframe-2021.0-r1667.jar`,
    jdbcDriverUri: `s3://${bucket}/jdbc/mysql-connector-j-8.4.0.jar`,
    fsxDeploymentType: profile.defaultFsxDeploymentType,
    schemaRef: schemaRef(out),
  };
}

/** `hpc-ha init`: a commented config that validates; prompts only on a terminal and never overwrites silently. */
export async function initCommand(flags: InitFlags, ui: Ui): Promise<ExitCode> {
  const { REGION_PROFILES, regionProfile, parseDeploymentConfig, isConfigError, formatIssue } = await import('@hpc-ha/infra/config');
  requireOutFile(flags.out);
  if (existsSync(flags.out) && !flags.force) {
    throw usageError(`${flags.out} already exists; nothing was written`, 'pass --force to overwrite it, or --out <file> to write elsewhere');
  }
  const envName = process.env['AWS_REGION'] ? 'AWS_REGION' : process.env['AWS_DEFAULT_REGION'] ? 'AWS_DEFAULT_REGION' : undefined;
  const envRegion = envName ? process.env[envName] : undefined;
  if (flags.region === undefined && envRegion && !regionProfile(envRegion)) {
    // Writing a cn-north-1 config for someone whose environment says another region would be a silent surprise.
    throw usageError(`${envName}=${envRegion}: not a region hpc-ha supports; nothing was written`, `pass --region <one of ${Object.keys(REGION_PROFILES).join(', ')}>`);
  }
  const regionName = flags.region ?? envRegion ?? DEFAULT_REGION;
  const profile = regionProfile(regionName);
  if (!profile) {
    throw usageError(`--region ${regionName}: not a region hpc-ha supports`, `supported: ${Object.keys(REGION_PROFILES).join(', ')}`);
  }
  if (flags.portal !== undefined && flags.portal !== 'enginframe' && flags.portal !== 'openondemand') {
    throw usageError(`--portal ${flags.portal}: not a portal hpc-ha deploys`, 'use enginframe or openondemand');
  }
  let answers: InitAnswers = { ...defaults(profile, flags.name ?? 'hpcha', flags.out), ...(flags.portal ? { portalKind: flags.portal } : {}) };
  if (ui.interactive && !flags.yes) {
    const { askInitAnswers } = await import('./init-prompts.js');
    answers = await askInitAnswers(answers, { regionGiven: flags.region !== undefined, nameGiven: flags.name !== undefined }, (r) => {
      const p = regionProfile(r)!;
      return { ...defaults(p, answers.name, flags.out), ...(answers.portalKind ? { portalKind: answers.portalKind } : {}) };
    });
  }
  const text = renderInitConfig(answers);
  try {
    parseDeploymentConfig(text, flags.out);
  } catch (e) {
    if (!isConfigError(e)) throw e;
    for (const issue of e.issues) ui.error(formatIssue(issue));
    throw usageError('the answers above do not make a valid config; nothing was written');
  }
  writeFileSync(flags.out, text, { flag: flags.force ? 'w' : 'wx' });
  ui.out(`${ui.style.ok(CHECK)} wrote ${flags.out} (${answers.name}, ${answers.region})`);
  ui.info('next:');
  if (answers.portalKind === 'openondemand') {
    ui.info(`  edit the directory section (your LDAP or Active Directory), then: hpc-ha validate -c ${flags.out} && hpc-ha doctor -c ${flags.out}`);
    return EXIT_OK;
  }
  if (answers.adminPasswordSecretArn === undefined) ui.info(`  hpc-ha secret create --write-config -c ${flags.out}   # store the efadmin password`);
  ui.info(`  edit portal.installer / portal.jdbcDriver, then: hpc-ha validate -c ${flags.out} && hpc-ha doctor -c ${flags.out}`);
  return EXIT_OK;
}
