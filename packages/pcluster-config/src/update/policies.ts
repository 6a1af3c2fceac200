/** ParallelCluster's update policies (the names `pcluster update-cluster` prints), and what each one asks for. */
export const UPDATE_POLICIES = {
  SUPPORTED: 'applied to the running cluster',
  IGNORED: 'not analysed by an update',
  UNSUPPORTED: 'never updatable: only a new cluster takes it',
  READ_ONLY_RESOURCE_BUCKET: 'read-only after creation',
  COMPUTE_FLEET_STOP: 'needs the compute fleet stopped',
  COMPUTE_FLEET_STOP_ON_REMOVE: 'may be added live; removing needs the compute fleet stopped',
  QUEUE_UPDATE_STRATEGY: 'needs the compute fleet stopped, or a QueueUpdateStrategy other than COMPUTE_FLEET_STOP',
  RESIZE_UPDATE_STRATEGY_ON_REMOVE: 'growing is live; shrinking or removing needs the fleet stopped or QueueUpdateStrategy TERMINATE',
  MANAGED_PLACEMENT_GROUP: 'as QUEUE_UPDATE_STRATEGY, but removing a managed placement group needs the compute fleet stopped',
  MANAGED_FSX: 'refused while a managed FSx for Lustre file system is kept; otherwise as QUEUE_UPDATE_STRATEGY',
  SHARED_STORAGE_UPDATE_POLICY: 'existing EFS/FSx/File Cache mount live; anything else needs the fleets stopped or a QueueUpdateStrategy; /home never changes',
  AWSBATCH_CE_MAX_RESIZE: 'MaxvCpus may not drop below the running vCPUs',
  LOGIN_NODES_POOLS: 'pools may be added live; removing one needs every login node stopped',
  LOGIN_NODES_STOP: 'needs every login node stopped',
  LOGIN_NODES_POOL_STOP: 'needs the login nodes of the pool stopped',
  COMPUTE_AND_LOGIN_NODES_STOP: 'needs the compute fleet and every login node stopped',
  UNCLASSIFIED: 'newer than the ParallelCluster source the classification was read from: check the update policy in its documentation',
} as const;

export type UpdatePolicyName = keyof typeof UPDATE_POLICIES;
