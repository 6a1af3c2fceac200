/** The smaller top-level sections: DirectoryService, Monitoring, Iam, DeploymentSettings, DevSettings and friends. */
import { Type } from '@sinclair/typebox';
import {
  Bool, Dict, Enum, Int, IntEnum, List, Obj, Opt, PolicyArn, RoleArn, SecretArn, SecurityGroupId, Str, SubnetId, Tags,
} from './common.js';

export const LOG_RETENTION_DAYS = [0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653];

export const DirectoryServiceSchema = Obj({
  DomainName: Str(),
  DomainAddr: Str(),
  PasswordSecretArn: SecretArn(),
  DomainReadOnlyUser: Str(),
  LdapTlsCaCert: Opt(Str()),
  LdapTlsReqCert: Opt(Enum(['never', 'allow', 'try', 'demand', 'hard'])),
  LdapAccessFilter: Opt(Str()),
  GenerateSshKeysForUsers: Opt(Bool()),
  AdditionalSssdConfigs: Opt(Dict()),
});

export const MonitoringSchema = Obj({
  DetailedMonitoring: Opt(Bool()),
  Logs: Opt(
    Obj({
      CloudWatch: Opt(
        Obj({ Enabled: Opt(Bool()), RetentionInDays: Opt(IntEnum(LOG_RETENTION_DAYS)), DeletionPolicy: Opt(Enum(['Delete', 'Retain'])) }),
      ),
      Rotation: Opt(Obj({ Enabled: Opt(Bool()) })),
    }),
  ),
  Dashboards: Opt(Obj({ CloudWatch: Opt(Obj({ Enabled: Opt(Bool()) })) })),
  Alarms: Opt(Obj({ Enabled: Opt(Bool()) })),
});

export const ClusterIamSchema = Obj({
  Roles: Opt(Obj({ LambdaFunctionsRole: Opt(RoleArn()) })),
  PermissionsBoundary: Opt(PolicyArn()),
  // Format and lengths (a 30-character name prefix, a 512-character path) are checked by validate/iam.ts.
  ResourcePrefix: Opt(Type.String({ minLength: 1 })),
});

export const DeploymentSettingsSchema = Obj({
  LambdaFunctionsVpcConfig: Opt(
    Obj({
      SecurityGroupIds: List(SecurityGroupId(), { minItems: 1, maxItems: 5 }),
      SubnetIds: List(SubnetId(), { minItems: 1, maxItems: 16 }),
    }),
  ),
  DisableSudoAccessForDefaultUser: Opt(Bool()),
  DefaultUserHome: Opt(Enum(['Shared', 'Local'])),
});

export const AdditionalPackagesSchema = Obj({ IntelSoftware: Opt(Obj({ IntelHpcPlatform: Opt(Bool()) })) });

export const ImdsSchema = Obj({ ImdsSupport: Opt(Enum(['v1.0', 'v2.0'])) });

/** Internal, unsupported knobs of ParallelCluster; still closed, as upstream. */
export const DevSettingsSchema = Obj({
  ClusterTemplate: Opt(Str()),
  AmiSearchFilters: Opt(Obj({ Owner: Opt(Str()), Tags: Opt(Tags()) })),
  InstanceTypesData: Opt(Str()),
  Timeouts: Opt(
    Obj({
      HeadNodeBootstrapTimeout: Opt(Int({ minimum: 1 })),
      ComputeNodeBootstrapTimeout: Opt(Int({ minimum: 1 })),
      LoginNodeBootstrapTimeout: Opt(Int({ minimum: 1 })),
    }),
  ),
  ComputeStartupTimeMetricEnabled: Opt(Bool()),
  Cookbook: Opt(Obj({ ChefCookbook: Opt(Str()), ExtraChefAttributes: Opt(Str()) })),
  NodePackage: Opt(Str()),
  AwsBatchCliPackage: Opt(Str()),
  EfaInterfaceType: Opt(Str()),
  LambdaFunctionsLayerS3Location: Opt(Str()),
});
