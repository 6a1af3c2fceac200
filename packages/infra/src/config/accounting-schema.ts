import { Type } from '@sinclair/typebox';

/** `accounting:` of hpc-ha.yaml: Slurm accounting of both clusters in the deployment's Aurora. */
export const AccountingSchema = Type.Object(
  {
    enabled: Type.Boolean({
      default: false,
      description:
        "Slurm accounting: each cluster's head node runs slurmdbd (ParallelCluster's Scheduling.SlurmSettings.Database) writing to its own database in the deployment's Aurora, so sacct, sreport, fair-share, limits and QOS work and the loss of one AZ leaves the other cluster's accounting working. Creates Aurora for Open OnDemand portals too. `hpc-ha init` writes true; a file without this key keeps accounting off, because adding it to running clusters needs their compute fleet stopped.",
    }),
  },
  { additionalProperties: false, default: {}, description: 'Slurm accounting (sacct/sreport from the portal) for both clusters.' },
);
