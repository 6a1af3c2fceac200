/** The portal products hpc-ha can put on its two-AZ portal tier (no TypeBox here: the loader must stay light). */
export const PORTAL_KINDS = ['enginframe', 'openondemand'] as const;
export type PortalKind = (typeof PORTAL_KINDS)[number];

/** The Open OnDemand release hpc-ha installs unless told otherwise. */
export const DEFAULT_OPENONDEMAND_VERSION = '4.2.3';
