export const PACKAGE_NAME = '@hpc-ha/enginframe-config';
