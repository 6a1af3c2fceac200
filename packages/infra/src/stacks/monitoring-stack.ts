import { CfnOutput, Duration, Fn, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData, type IAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFileSystem } from 'aws-cdk-lib/aws-efs';
import type { ApplicationLoadBalancer, ApplicationTargetGroup } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { HttpCodeElb, HttpCodeTarget } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { EventField, Match, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import type { LustreFileSystem } from 'aws-cdk-lib/aws-fsx';
import { CfnEventSubscription, type DatabaseCluster } from 'aws-cdk-lib/aws-rds';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { CERT_RENEWAL_DEFAULTS } from '@hpc-ha/lambdas';
import type { Construct } from 'constructs';
import {
  alarmName,
  alarmNamePrefix,
  CERTIFICATE_EXPIRY_ALARM_DAYS,
  headNodeAlarmId,
  MONITORING_OUTPUTS,
  monitoredCertificate,
  portalNodeAlarmId,
  portalStackId,
  type AlarmId,
} from '../config/alarms.js';
import { CLUSTER_IDS, clusterPlans, stackName } from '../config/index.js';
import { AlarmTopic } from '../constructs/alarm-topic.js';
import type { CertificateRenewal } from '../constructs/certificate-renewal.js';
import { DeploymentDashboard } from '../constructs/deployment-dashboard.js';
import type { HpcStackProps } from './common.js';

export interface MonitoringStackProps extends HpcStackProps {
  readonly loadBalancer: ApplicationLoadBalancer;
  readonly targetGroup: ApplicationTargetGroup;
  /** The HTTPS listener's certificate. */
  readonly certificateArn: string;
  /** The self-signed certificate's renewal, when the app created one. */
  readonly certificateRenewal?: CertificateRenewal;
  /** Aurora, when the deployment has a database stack. */
  readonly database?: DatabaseCluster;
  /** Head-node instance ids of cluster1 and cluster2, when known at deploy time (`provisioner: cloudformation`). */
  readonly headNodeInstanceIds?: readonly [string, string];
  readonly efs: IFileSystem;
  readonly fsx: readonly [LustreFileSystem, LustreFileSystem];
}

/** One alarm as the stack creates it: what it watches, when it fires and what the admin does then. */
interface AlarmSpec {
  readonly id: AlarmId;
  readonly metric: Metric;
  readonly threshold: number;
  readonly comparison: ComparisonOperator;
  readonly evaluationPeriods: number;
  readonly treatMissingData: TreatMissingData;
  readonly description: string;
}

/**
 * What an administrator must act on, in one stack deployed after the resources it watches: CloudWatch alarms named
 * `hpc-ha/<deployment>/<id>` (see config/alarms.ts), the events that have no metric (a portal node that could not be
 * launched, an Aurora failover) and one dashboard. With `notifications.emails`, alarms (entering ALARM and returning
 * to OK) and those events go to an encrypted SNS topic; without it, the alarms exist with no action.
 */
export class MonitoringStack extends Stack {
  readonly alarms: readonly IAlarm[];
  readonly topic?: Topic;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    const { config, loadBalancer, targetGroup } = props;
    const name = config.name;
    if (config.notifications.emails.length > 0) {
      this.topic = new AlarmTopic(this, 'Notifications', { emails: config.notifications.emails, displayName: `hpc-ha ${name}` }).topic;
    }

    const specs: AlarmSpec[] = [];
    const portal = portalStackId(config);
    config.network.availabilityZones.forEach((az, i) => {
      specs.push({
        id: portalNodeAlarmId(i),
        // Per AZ: each AZ holds exactly one portal node. No data means no registered target there, which is as bad.
        metric: new Metric({
          namespace: 'AWS/ApplicationELB',
          metricName: 'HealthyHostCount',
          dimensionsMap: { LoadBalancer: loadBalancer.loadBalancerFullName, TargetGroup: targetGroup.targetGroupFullName, AvailabilityZone: az },
          statistic: 'Minimum',
          period: Duration.minutes(1),
        }),
        threshold: 1,
        comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 5,
        treatMissingData: TreatMissingData.BREACHING,
        description:
          `The portal node in ${az} (node ${i + 1}) has not passed the load balancer's health check for 5 minutes; users are served by the other node. ` +
          `Its Auto Scaling group (stack ${stackName(name, portal)}) replaces an unhealthy instance: check the group's activity history and the node's ` +
          `bootstrap log (stack ${stackName(name, portal)}, log group BootstrapLogs, stream <instance id>/portal-bootstrap). See README "Operating".`,
      });
    });
    specs.push(
      {
        id: 'load-balancer-5xx',
        metric: loadBalancer.metrics.httpCodeElb(HttpCodeElb.ELB_5XX_COUNT, { period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 10,
        comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        description:
          'The load balancer itself answered 10 or more requests with a 5xx in each of two 5-minute periods (usually 502/503: no healthy portal node, or a node ' +
          'closing connections). Check the portal-node alarms and the target group\'s health in the EC2 console.',
      },
      {
        id: 'portal-5xx',
        metric: targetGroup.metrics.httpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT, { period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 10,
        comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        description:
          `${config.portal.kind === 'openondemand' ? 'Open OnDemand' : 'EnginFrame'} answered 10 or more requests with a 5xx in each of two 5-minute periods. ` +
          'Read the portal logs on the nodes (Session Manager) and check the database and EFS alarms and dashboard.',
      },
    );

    const launchFailures = new Rule(this, 'PortalNodeLaunchFailed', {
      description: `hpc-ha ${name}: a portal node could not be launched or terminated by its Auto Scaling group`,
      eventPattern: {
        source: ['aws.autoscaling'],
        detailType: ['EC2 Instance Launch Unsuccessful', 'EC2 Instance Terminate Unsuccessful'],
        // CloudFormation names the groups `<stack>-<logical id>-<suffix>`; stack names are unique to the deployment.
        detail: { AutoScalingGroupName: Match.prefix(`${stackName(name, portal)}-`) },
      },
    });
    if (this.topic) {
      launchFailures.addTarget(
        new SnsTopic(this.topic, {
          message: RuleTargetInput.fromText(
            `hpc-ha ${name}: ${EventField.fromPath('$.detail-type')} in ${EventField.fromPath('$.detail.AutoScalingGroupName')}: ` +
              `${EventField.fromPath('$.detail.StatusMessage')} (cause: ${EventField.fromPath('$.detail.Cause')})`,
          ),
        }),
      );
    }
    specs.push({
      id: 'portal-node-launch-failed',
      metric: new Metric({ namespace: 'AWS/Events', metricName: 'TriggeredRules', dimensionsMap: { RuleName: launchFailures.ruleName }, statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      description:
        'A portal node replacement failed: its Auto Scaling group could not launch (or terminate) an instance. The group retries; until it succeeds that AZ ' +
        'has no portal node. Read the failure in the group\'s activity history (capacity, quota, launch template or subnet problems) and fix its cause.',
    });

    const certificate = monitoredCertificate(config);
    if (certificate.acm) {
      specs.push({
        id: 'certificate-expiring',
        metric: new Metric({
          namespace: 'AWS/CertificateManager',
          metricName: 'DaysToExpiry',
          dimensionsMap: { CertificateArn: props.certificateArn },
          statistic: 'Minimum',
          period: Duration.days(1),
        }),
        threshold: CERTIFICATE_EXPIRY_ALARM_DAYS,
        comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        // ACM stops publishing once the certificate has expired: the alarm keeps the state it was in (ALARM by then).
        treatMissingData: TreatMissingData.IGNORE,
        description: certificate.selfSigned
          ? `The load balancer's self-signed certificate expires in less than ${CERTIFICATE_EXPIRY_ALARM_DAYS} days: its daily renewal has not worked. ` +
            'See the certificate-renewal alarms and the renewal function\'s log group; `hpc-ha doctor` shows the expiry.'
          : `The load balancer's certificate (loadBalancer.certificateArn) expires in less than ${CERTIFICATE_EXPIRY_ALARM_DAYS} days. ` +
            'Renew or re-import it into the same ARN (ACM), or set a new certificateArn and deploy the ALB stack.',
      });
    }
    if (props.certificateRenewal) {
      const renewal = props.certificateRenewal;
      specs.push(
        {
          id: 'certificate-renewal-failed',
          // One period per scheduled run: the alarm stays in ALARM until a later run succeeds.
          metric: renewal.function.metricErrors({ period: Duration.hours(CERT_RENEWAL_DEFAULTS.checkEveryHours), statistic: 'Sum' }),
          threshold: 1,
          comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
          description:
            `The daily renewal of the self-signed load balancer certificate failed (it renews ${CERT_RENEWAL_DEFAULTS.renewDaysBefore} days before expiry). ` +
            'Read the error in the renewal function\'s log group (ALB stack, CertificateRenewal); fix it before the certificate-expiring alarm fires.',
        },
        {
          id: 'certificate-renewal-undelivered',
          metric: renewal.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
          threshold: 1,
          comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
          description:
            'EventBridge could not invoke the certificate renewal function (throttled, deleted or not permitted); the run is in the dead-letter queue ' +
            '(ALB stack, CertificateRenewal/Undelivered). Read the message attributes for the error, fix it, then purge the queue.',
        },
      );
    }

    const clusters = clusterPlans(config);
    props.headNodeInstanceIds?.forEach((instanceId, i) => {
      const cluster = clusters[i]!;
      specs.push({
        id: headNodeAlarmId(CLUSTER_IDS[i]!),
        metric: new Metric({ namespace: 'AWS/EC2', metricName: 'StatusCheckFailed', dimensionsMap: { InstanceId: instanceId }, statistic: 'Maximum', period: Duration.minutes(1) }),
        threshold: 1,
        comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 3,
        // A stopped or terminated instance publishes nothing: that is a head node down too.
        treatMissingData: TreatMissingData.BREACHING,
        description:
          `The head node of ${cluster.name} (${cluster.availabilityZone}) failed its EC2 status checks for 3 minutes, or stopped reporting: Slurm in that AZ ` +
          'takes no jobs; the other cluster still does. See the instance\'s status checks in the EC2 console; reboot it, or stop and start it to move it to healthy hardware.',
      });
    });

    this.alarms = specs.map((spec) => {
      const alarm = new Alarm(this, spec.id, {
        alarmName: alarmName(name, spec.id),
        alarmDescription: spec.description,
        metric: spec.metric,
        threshold: spec.threshold,
        comparisonOperator: spec.comparison,
        evaluationPeriods: spec.evaluationPeriods,
        treatMissingData: spec.treatMissingData,
      });
      if (this.topic) {
        alarm.addAlarmAction(new SnsAction(this.topic));
        alarm.addOkAction(new SnsAction(this.topic));
      }
      return alarm;
    });

    if (this.topic && props.database) {
      // Aurora failover and failure are events, not metrics: RDS sends them to the topic itself.
      new CfnEventSubscription(this, 'DatabaseEvents', {
        snsTopicArn: this.topic.topicArn,
        sourceType: 'db-cluster',
        sourceIds: [props.database.clusterIdentifier],
        eventCategories: ['failover', 'failure'],
        enabled: true,
      });
    }

    const dashboard = new DeploymentDashboard(this, 'Dashboard', {
      config,
      alarms: this.alarms,
      loadBalancer,
      targetGroup,
      portalStackName: stackName(name, portal),
      database: props.database,
      headNodeInstanceIds: props.headNodeInstanceIds,
      clusterNames: [clusters[0]!.name, clusters[1]!.name],
      efs: props.efs,
      fsx: props.fsx,
    });

    new CfnOutput(this, MONITORING_OUTPUTS.alarmNamePrefix, { value: alarmNamePrefix(name), description: 'Every hpc-ha alarm of this deployment starts with this' });
    new CfnOutput(this, MONITORING_OUTPUTS.alarmNames, { value: Fn.join(',', this.alarms.map((a) => a.alarmName)), description: 'The alarms of this deployment' });
    new CfnOutput(this, MONITORING_OUTPUTS.dashboardName, { value: dashboard.dashboardName, description: 'CloudWatch dashboard of this deployment' });
    if (this.topic) new CfnOutput(this, MONITORING_OUTPUTS.topicArn, { value: this.topic.topicArn, description: 'Where alarms and events are sent' });
  }
}
