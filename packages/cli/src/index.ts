export const PACKAGE_NAME = '@hpc-ha/cli';
