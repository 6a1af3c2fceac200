/**
 * The installer's `intro-targets` line ("Do not modify any configuration below this line") per
 * EnginFrame release line, copied from installer-generated templates; the trailing comma is part of it.
 * Source: research enginframe-china.md §2 (2021.0 template, with the AWS HPC Connector component).
 */
export const INTRO_TARGETS: Readonly<Record<string, readonly string[]>> = {
  '2021.0': [
    'component_enginframe',
    'component_kernel',
    'component_applets',
    'component_parser',
    'component_http',
    'component_pam',
    'component_ldap',
    'component_activedirectory',
    'component_rss',
    'component_lsf',
    'component_pbs',
    'component_torque',
    'component_sge',
    'component_slurm',
    'component_awsbatch',
    'component_dcvsm',
    'component_demo',
    'component_neutro',
    'component_vdi',
    'component_applications',
    'component_service-manager',
    'component_user-group-manager',
    'component_hpc',
    'component_enginframe_finalizer',
  ],
};

/** `2021.0-r1667` → `2021.0`. */
export function releaseLine(version: string): string {
  return version.replace(/-r\d+$/, '');
}
