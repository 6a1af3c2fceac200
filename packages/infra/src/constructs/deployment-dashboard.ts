import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  Metric,
  SearchExpression,
  TextWidget,
  type IAlarm,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFileSystem } from 'aws-cdk-lib/aws-efs';
import { HttpCodeElb, HttpCodeTarget, type ApplicationLoadBalancer, type ApplicationTargetGroup } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { LustreFileSystem } from 'aws-cdk-lib/aws-fsx';
import type { DatabaseCluster } from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { dashboardName, parallelclusterHeadNodeAlarmName } from '../config/alarms.js';
import type { DeploymentConfig } from '../config/index.js';

export interface DeploymentDashboardProps {
  readonly config: DeploymentConfig;
  /** Shown first, as one status panel. */
  readonly alarms: readonly IAlarm[];
  readonly loadBalancer: ApplicationLoadBalancer;
  readonly targetGroup: ApplicationTargetGroup;
  /** The portal's stack name, which its Auto Scaling groups' names start with. */
  readonly portalStackName: string;
  readonly database?: DatabaseCluster;
  /** Known with `provisioner: cloudformation`; otherwise ParallelCluster's own head-node alarms are shown. */
  readonly headNodeInstanceIds?: readonly [string, string];
  readonly clusterNames: readonly [string, string];
  readonly efs: IFileSystem;
  readonly fsx: readonly [LustreFileSystem, LustreFileSystem];
}

const FIVE_MINUTES = Duration.minutes(5);
const WIDTH = 24;

/** One CloudWatch dashboard for the deployment: alarms, load balancer, portal nodes, Aurora, head nodes, storage. */
export class DeploymentDashboard extends Construct {
  readonly dashboardName: string;

  constructor(scope: Construct, id: string, props: DeploymentDashboardProps) {
    super(scope, id);
    const { config, loadBalancer, targetGroup } = props;
    const [az1, az2] = config.network.availabilityZones;
    const perAz = (metricName: string, az: string, statistic: string) =>
      new Metric({
        namespace: 'AWS/ApplicationELB',
        metricName,
        dimensionsMap: { LoadBalancer: loadBalancer.loadBalancerFullName, TargetGroup: targetGroup.targetGroupFullName, AvailabilityZone: az },
        statistic,
        period: Duration.minutes(1),
        label: `${metricName} ${az}`,
      });
    const half = (title: string, left: (Metric | SearchExpression)[], right?: Metric[]) =>
      new GraphWidget({ title, left, right, width: WIDTH / 2, height: 6 });

    const rows: IWidget[][] = [
      [
        new TextWidget({
          markdown: `# hpc-ha ${config.name} (${config.region})\nAlarms are named \`hpc-ha/${config.name}/…\`; README "Operating" says what each means and what to do.`,
          width: WIDTH,
          height: 2,
        }),
      ],
      [new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: WIDTH, height: 4 })],
      [
        half('Load balancer: requests and 5xx', [
          loadBalancer.metrics.requestCount({ period: FIVE_MINUTES }),
          loadBalancer.metrics.httpCodeElb(HttpCodeElb.ELB_5XX_COUNT, { period: FIVE_MINUTES }),
          targetGroup.metrics.httpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT, { period: FIVE_MINUTES }),
        ]),
        half('Portal response time (p95)', [targetGroup.metrics.targetResponseTime({ period: FIVE_MINUTES, statistic: 'p95' })]),
      ],
      [
        half('Portal nodes: healthy per AZ', [perAz('HealthyHostCount', az1, 'Minimum'), perAz('HealthyHostCount', az2, 'Minimum')], [
          perAz('UnHealthyHostCount', az1, 'Maximum'),
          perAz('UnHealthyHostCount', az2, 'Maximum'),
        ]),
        half('Portal nodes: CPU', [
          // The groups' names are CloudFormation's (`<stack>-<logical id>-<suffix>`): a partial (unquoted) match on the
          // stack name finds both without importing them, which would make this stack wait for the portal's.
          new SearchExpression({
            expression: `SEARCH('{AWS/EC2,AutoScalingGroupName} MetricName="CPUUtilization" AutoScalingGroupName=${props.portalStackName}', 'Average', 300)`,
            label: 'CPU %',
            period: FIVE_MINUTES,
          }),
        ]),
      ],
    ];

    if (props.database) {
      const db = props.database;
      rows.push([
        half('Aurora: CPU and connections', [db.metricCPUUtilization({ period: FIVE_MINUTES })], [db.metricDatabaseConnections({ period: FIVE_MINUTES })]),
        half(
          config.database.mode === 'serverless-v2' ? 'Aurora: capacity (ACU) and free memory' : 'Aurora: free memory',
          config.database.mode === 'serverless-v2' ? [db.metric('ServerlessDatabaseCapacity', { period: FIVE_MINUTES })] : [db.metricFreeableMemory({ period: FIVE_MINUTES })],
          config.database.mode === 'serverless-v2' ? [db.metricFreeableMemory({ period: FIVE_MINUTES })] : undefined,
        ),
      ]);
    }

    if (props.headNodeInstanceIds) {
      const ec2 = (metricName: string, i: number, statistic: string) =>
        new Metric({
          namespace: 'AWS/EC2',
          metricName,
          dimensionsMap: { InstanceId: props.headNodeInstanceIds![i]! },
          statistic,
          period: FIVE_MINUTES,
          label: props.clusterNames[i],
        });
      rows.push([
        half('Head nodes: CPU %', [ec2('CPUUtilization', 0, 'Average'), ec2('CPUUtilization', 1, 'Average')]),
        half('Head nodes: failed status checks', [ec2('StatusCheckFailed', 0, 'Maximum'), ec2('StatusCheckFailed', 1, 'Maximum')]),
      ]);
    } else if (!config.clusters.parallelclusterVersion.startsWith('2.')) {
      // The portal nodes create the clusters: their head nodes are unknown here, ParallelCluster (3.8+) alarms on them
      // (2.x creates no alarms).
      const pclusterAlarms = props.clusterNames.map((cluster, i) => Alarm.fromAlarmName(this, `HeadNode${i + 1}`, parallelclusterHeadNodeAlarmName(cluster)));
      rows.push([new AlarmStatusWidget({ title: "Head nodes (ParallelCluster's own alarms)", alarms: pclusterAlarms, width: WIDTH, height: 3 })]);
    }

    const fsx = (metricName: string, i: number, statistic: string) =>
      new Metric({ namespace: 'AWS/FSx', metricName, dimensionsMap: { FileSystemId: props.fsx[i]!.fileSystemId }, statistic, period: FIVE_MINUTES, label: `/fsx_cluster${i + 1}` });
    const efs = (metricName: string, statistic: string) =>
      new Metric({ namespace: 'AWS/EFS', metricName, dimensionsMap: { FileSystemId: props.efs.fileSystemId }, statistic, period: FIVE_MINUTES, label: `/efs ${metricName}` });
    rows.push([
      half('EFS (/efs): clients and throughput', [efs('ClientConnections', 'Sum')], [efs('MeteredIOBytes', 'Sum')]),
      half('FSx for Lustre: free capacity (bytes)', [fsx('FreeDataStorageCapacity', 0, 'Minimum'), fsx('FreeDataStorageCapacity', 1, 'Minimum')]),
    ]);

    this.dashboardName = dashboardName(config.name);
    new Dashboard(this, 'Resource', { dashboardName: this.dashboardName, widgets: rows });
  }
}
