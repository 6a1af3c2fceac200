export const PACKAGE_NAME = '@hpc-ha/pcluster-config';
