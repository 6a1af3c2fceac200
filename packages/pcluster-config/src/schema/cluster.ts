import { Type } from '@sinclair/typebox';
import { Id, Obj, Opt, Str, Tags } from './common.js';
import { HeadNodeSchema } from './head-node.js';
import { ImageSchema } from './image.js';
import { LoginNodesSchema } from './login-nodes.js';
import { SchedulingSchema } from './scheduling.js';
import { SharedStorageItemSchema } from './shared-storage.js';
import {
  AdditionalPackagesSchema, ClusterIamSchema, DeploymentSettingsSchema, DevSettingsSchema, DirectoryServiceSchema,
  ImdsSchema, MonitoringSchema,
} from './cluster-settings.js';

/** The whole ParallelCluster 3.16 cluster configuration (what `pcluster create-cluster -c` reads). */
export const ClusterConfigSchema = Obj({
  Region: Opt(Id('[a-z]{2}(?:-[a-z]+)+-[0-9]', 'an AWS region name such as cn-north-1')),
  Image: ImageSchema,
  HeadNode: HeadNodeSchema,
  Scheduling: SchedulingSchema,
  SharedStorage: Opt(Type.Array(SharedStorageItemSchema)),
  LoginNodes: Opt(LoginNodesSchema),
  Monitoring: Opt(MonitoringSchema),
  AdditionalPackages: Opt(AdditionalPackagesSchema),
  Tags: Opt(Tags()),
  Iam: Opt(ClusterIamSchema),
  DirectoryService: Opt(DirectoryServiceSchema),
  DeploymentSettings: Opt(DeploymentSettingsSchema),
  Imds: Opt(ImdsSchema),
  CustomS3Bucket: Opt(Str()),
  AdditionalResources: Opt(Str()),
  DevSettings: Opt(DevSettingsSchema),
});
