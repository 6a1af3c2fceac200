import { Type, type Static } from '@sinclair/typebox';
import { validateSpec } from '@hpc-ha/portal-node';
import { OOD_HOME_HOOK_PROGRAM } from './home-hook-text.js';

/** Where the bootstrap installs the hook; `pun_pre_hook_root_cmd` in ood_portal.yml names it. */
export const OOD_HOME_HOOK_FILE = '/usr/local/sbin/hpc-ha-ood-home';

export const OodHomeHookSpecSchema = Type.Object(
  {
    /** Parent of every home (sssd's override_homedir is `<homeRoot>/%u`). */
    homeRoot: Type.String({ pattern: '^/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$' }),
    /** Users below this uid are system accounts and never get a home here (default 1000). */
    minUid: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
  },
  { additionalProperties: false },
);
export type OodHomeHookSpec = Static<typeof OodHomeHookSpecSchema>;

/**
 * The root pre-hook nginx_stage runs before each user's web server starts: it creates the user's home on the shared
 * file system (directory uid/gid, 0700, /etc/skel), since a Dex login runs no PAM session that would. The settings
 * need no quoting (the schema allows only safe characters), so the bootstrap writes the same bytes with printf.
 */
export function renderOodHomeHook(input: OodHomeHookSpec): string {
  const spec = validateSpec(OodHomeHookSpecSchema, input, 'Open OnDemand home hook spec');
  return `#!/usr/bin/env bash\nreadonly HOME_ROOT=${spec.homeRoot}\nreadonly MIN_UID=${spec.minUid ?? 1000}\n${OOD_HOME_HOOK_PROGRAM}`;
}

const DELIMITER = 'HPC_HA_OOD_HOME_HOOK_PROGRAM';
if (OOD_HOME_HOOK_PROGRAM.includes(DELIMITER)) throw new Error('internal error: the home hook contains its heredoc delimiter');

/** A bash function for the bootstrap program that prints the hook's program (without its settings). */
export const OOD_HOME_HOOK_FUNCTION = `# The body of nginx_stage's root pre-hook (${OOD_HOME_HOOK_FILE}), from @hpc-ha/ondemand-config's home-hook.sh.
ood_home_hook_program() {
  cat <<'${DELIMITER}'
${OOD_HOME_HOOK_PROGRAM}${DELIMITER}
}
`;
