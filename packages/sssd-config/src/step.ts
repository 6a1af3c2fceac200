import { BIND_PASSWORD_SNIPPET, renderSssdConf } from './render.js';
import type { SssdSpec } from './spec.js';
import { SssdSpecError } from './validate.js';

export { SSSD_PORTAL_STEP } from './portal-step-text.js';

/** What the portal step needs besides sssd.conf; values may be deploy-time tokens. */
export interface SssdStepSpec {
  readonly directoryType: 'ldap' | 'activeDirectory';
  readonly sssd: SssdSpec;
  /** SecretString = the bind password as plain text. */
  readonly bindPasswordSecretArn: string;
  /** Fetched, checked and installed at `sssd.caCertFile`. */
  readonly caCertificate?: { readonly uri: string; readonly sha256?: string };
  /** Parent of the homes of `sssd.homeDirectory`, created at boot. */
  readonly homeRoot: string;
}

/**
 * The variables SSSD_PORTAL_STEP reads, as name/value pairs for the host bootstrap to write into its own env
 * block (each host quotes them its own way). `{ directoryType: 'none' }` gives the same names, so the host can
 * use `set -u`, and the step then does nothing.
 */
export function sssdStepVariables(spec: SssdStepSpec | { readonly directoryType: 'none' }): [string, string][] {
  if (spec.directoryType === 'none') {
    return STEP_VARIABLES.map((name) => [name, name === 'HPC_HA_DIRECTORY_TYPE' ? 'none' : '']);
  }
  const problems: string[] = [];
  if (spec.caCertificate && !spec.sssd.caCertFile) problems.push('/caCertificate: needs sssd.caCertFile (where sssd reads it)');
  if (!spec.sssd.homeDirectory.startsWith(`${spec.homeRoot.replace(/\/+$/, '')}/`)) {
    problems.push(`/homeRoot: ${spec.homeRoot} is not the parent of sssd.homeDirectory ${spec.sssd.homeDirectory}`);
  }
  if (problems.length > 0) throw new SssdSpecError(problems);
  const values: Record<(typeof STEP_VARIABLES)[number], string> = {
    HPC_HA_DIRECTORY_TYPE: spec.directoryType,
    HPC_HA_SSSD_CONF: renderSssdConf(spec.sssd),
    HPC_HA_SSSD_PASSWORD_SNIPPET: BIND_PASSWORD_SNIPPET,
    HPC_HA_DIRECTORY_SECRET_ARN: spec.bindPasswordSecretArn,
    HPC_HA_DIRECTORY_CA_URI: spec.caCertificate?.uri ?? '',
    HPC_HA_DIRECTORY_CA_SHA256: spec.caCertificate?.sha256 ?? '',
    HPC_HA_DIRECTORY_CA_FILE: spec.sssd.caCertFile ?? '',
    HPC_HA_DIRECTORY_HOME_ROOT: spec.homeRoot,
  };
  return STEP_VARIABLES.map((name) => [name, values[name]]);
}

const STEP_VARIABLES = [
  'HPC_HA_DIRECTORY_TYPE',
  'HPC_HA_SSSD_CONF',
  'HPC_HA_SSSD_PASSWORD_SNIPPET',
  'HPC_HA_DIRECTORY_SECRET_ARN',
  'HPC_HA_DIRECTORY_CA_URI',
  'HPC_HA_DIRECTORY_CA_SHA256',
  'HPC_HA_DIRECTORY_CA_FILE',
  'HPC_HA_DIRECTORY_HOME_ROOT',
] as const;
