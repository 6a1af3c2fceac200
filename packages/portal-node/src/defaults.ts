/** The bounded waits' defaults, in seconds: render writes them into the node's settings, the boot budget sums them. */
export const NODE_DEFAULT_TIMEOUTS = {
  clusterPublicationSeconds: 1800,
  serviceSeconds: 900,
  remoteMountSeconds: 30,
  remoteIdleSeconds: 120,
  packageSourceSeconds: 120,
  pollSeconds: 10,
} as const;

export const NODE_DEFAULTS = {
  efsMountDir: '/efs',
  efsMountOptions: '_netdev,tls',
  publicationRoot: 'hpc-ha',
  slurmPrefix: '/opt/slurm',
  slurmConfigDir: '/etc/hpc-ha/slurm',
  resyncMinutes: 5,
} as const;

/** dnf packages every portal node needs on Amazon Linux 2023; each portal adds its own. No munge: the node takes it
 * from the distribution when a repository has it, else from the head node. */
export const NODE_BASE_PACKAGES = [
  'amazon-efs-utils',
  'lustre-client',
  'nfs-utils',
  'jq',
  'aws-cfn-bootstrap',
  // The metadata-service firewall.
  'iptables-nft',
] as const;
