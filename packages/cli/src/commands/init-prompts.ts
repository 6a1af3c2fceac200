import { REGION_PROFILES } from '@hpc-ha/infra/config';
import { cancel, intro, isCancel, multiselect, outro, select, text } from '@clack/prompts';
import { usageError } from '../exit.js';
import type { InitAnswers } from '../init-template.js';

function answered<T>(value: T): Exclude<T, symbol> {
  if (isCancel(value)) {
    cancel('nothing was written');
    throw usageError('cancelled');
  }
  return value as Exclude<T, symbol>;
}

const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;
const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

/** The interactive part of `init`, loaded only on a terminal. */
export async function askInitAnswers(
  start: InitAnswers,
  given: { regionGiven: boolean; nameGiven: boolean },
  forRegion: (region: string) => InitAnswers,
): Promise<InitAnswers> {
  const output = process.stderr;
  intro('hpc-ha init');
  let a = start;
  if (!given.regionGiven) {
    const region = answered(
      await select({
        message: 'Region',
        initialValue: a.region,
        options: Object.values(REGION_PROFILES).map((p) => ({ value: p.region, label: p.region, hint: p.partition })),
        output,
      }),
    );
    a = { ...forRegion(region), name: a.name };
  }
  const name = given.nameGiven
    ? a.name
    : answered(
        await text({
          message: 'Deployment name (prefix of every stack)',
          initialValue: a.name,
          validate: (v) => (/^[a-z][a-z0-9-]{0,23}$/.test(v ?? '') ? undefined : '1-24 lower-case letters, digits, hyphens; starts with a letter'),
          output,
        }),
      );
  const profile = REGION_PROFILES[a.region]!;
  const azs = answered(
    await multiselect({
      message: 'Two Availability Zones',
      options: profile.availabilityZones.map((z) => ({ value: z, label: z })),
      initialValues: [...a.availabilityZones],
      required: true,
      output,
    }),
  );
  if (azs.length !== 2) throw usageError(`pick exactly two Availability Zones (got ${azs.length})`);
  const portalKind = answered(
    await select({
      message: 'Portal',
      initialValue: a.portalKind ?? 'enginframe',
      options: [
        { value: 'enginframe' as const, label: 'EnginFrame', hint: 'needs its installer and licence; AWS ended support on 2025-09-25' },
        { value: 'openondemand' as const, label: 'Open OnDemand', hint: 'open source; needs an LDAP or Active Directory' },
      ],
      output,
    }),
  );
  const portalInstanceType = answered(await text({ message: `${portalKind === 'openondemand' ? 'Open OnDemand' : 'EnginFrame'} node instance type (x86_64)`, initialValue: a.portalInstanceType, output }));
  const cidrs = answered(
    await text({
      message: 'CIDRs allowed to open the portal (comma-separated)',
      initialValue: a.allowedCidrs.join(', '),
      validate: (v) => (list(v ?? '').every((c) => CIDR.test(c)) && list(v ?? '').length > 0 ? undefined : 'IPv4 CIDRs like 10.0.0.0/8'),
      output,
    }),
  );
  if (portalKind === 'openondemand') {
    outro('config ready: fill in the directory section');
    return { ...a, name, availabilityZones: [azs[0]!, azs[1]!], portalInstanceType, allowedCidrs: list(cidrs), portalKind };
  }
  const installerUri = answered(await text({ message: 'EnginFrame installer jar (s3:// or https://)', initialValue: a.installerUri, output }));
  const jdbcDriverUri = answered(await text({ message: 'MySQL Connector/J jar (s3:// or https://)', initialValue: a.jdbcDriverUri, output }));
  const secret = answered(
    await text({ message: 'efadmin password secret ARN (empty: fill in later with `hpc-ha secret create --write-config`)', defaultValue: '', output }),
  );
  outro('config ready');
  return {
    ...a,
    name,
    availabilityZones: [azs[0]!, azs[1]!],
    portalInstanceType,
    allowedCidrs: list(cidrs),
    installerUri,
    jdbcDriverUri,
    portalKind,
    ...(secret.trim() ? { adminPasswordSecretArn: secret.trim() } : {}),
  };
}
