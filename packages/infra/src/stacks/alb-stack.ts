import { CfnOutput, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import type { ISecurityGroup, ISubnet, IVpc } from 'aws-cdk-lib/aws-ec2';
import {
  ApplicationLoadBalancer,
  ApplicationProtocol,
  ApplicationTargetGroup,
  ListenerCertificate,
  Protocol,
  SslPolicy,
  TargetType,
} from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { CERT_ATTRIBUTES, CERT_PROPERTIES } from '@hpc-ha/lambdas';
import type { Construct } from 'constructs';
import { CERTIFICATE_ARN_OUTPUT } from '../config/index.js';
import { BundledProvider } from '../constructs/bundled-provider.js';
import { portalTarget } from '../config/index.js';
import { CertificateRenewal } from '../constructs/certificate-renewal.js';
import { acknowledge } from '../nag.js';
import { logRetention, statefulRemovalPolicy, type HpcStackProps } from './common.js';

/** The tag the cert handler puts on every certificate it imports (@hpc-ha/lambdas, cert/props.ts REQUEST_TAG). */
export const CERT_REQUEST_TAG = 'hpc-ha:cfn-request';

export interface AlbStackProps extends HpcStackProps {
  readonly vpc: IVpc;
  readonly securityGroup: ISecurityGroup;
  /** Subnets of the load balancer, one per AZ: public when internet-facing, private otherwise. */
  readonly subnets: readonly [ISubnet, ISubnet];
}

/**
 * The portal's front door: HTTPS 443 (TLS 1.2+) → the EnginFrame nodes on HTTPS 8443 with sticky sessions (lb_cookie,
 * which EnginFrame requires), health-checked on `/enginframe/`. Internal by default in China.
 */
export class AlbStack extends Stack {
  readonly loadBalancer: ApplicationLoadBalancer;
  readonly targetGroup: ApplicationTargetGroup;
  readonly portalUrl: string;
  /** The HTTPS listener's certificate: `loadBalancer.certificateArn`, else the self-signed one. */
  readonly certificateArn: string;
  /** The self-signed certificate's daily renewal; absent with `loadBalancer.certificateArn`. */
  readonly certificateRenewal?: CertificateRenewal;

  constructor(scope: Construct, id: string, props: AlbStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { internetFacing } = config.loadBalancer;

    this.loadBalancer = new ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing,
      vpcSubnets: { subnets: [...props.subnets] },
      securityGroup: props.securityGroup,
      dropInvalidHeaderFields: true,
      deletionProtection: !config.disposable,
    });

    const accessLogs = new Bucket(this, 'AccessLogs', {
      // Load balancer access logs support SSE-S3 only.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: statefulRemovalPolicy(config),
      autoDeleteObjects: false,
      lifecycleRules: [{ expiration: Duration.days(config.disposable ? 7 : 365) }],
    });
    this.loadBalancer.logAccessLogs(accessLogs, 'alb');
    acknowledge(accessLogs, {
      'AwsSolutions-S1': 'This bucket only receives load balancer access logs; logging it again would recurse without adding an audit trail',
    });

    const selfSigned = config.loadBalancer.certificateArn === undefined ? this.selfSignedCertificate(config.disposable, config.tags) : undefined;
    const certificateArn = config.loadBalancer.certificateArn ?? selfSigned!.certificateArn;
    this.certificateArn = certificateArn;
    this.certificateRenewal = selfSigned?.renewal;
    const target = portalTarget(config);

    this.targetGroup = new ApplicationTargetGroup(this, 'PortalTargets', {
      vpc: props.vpc,
      targetType: TargetType.INSTANCE,
      protocol: ApplicationProtocol.HTTPS,
      port: target.port,
      healthCheck: {
        protocol: Protocol.HTTPS,
        port: String(target.port),
        path: target.healthCheckPath,
        healthyHttpCodes: target.healthyHttpCodes,
        interval: Duration.seconds(30),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
      stickinessCookieDuration: Duration.days(1),
      deregistrationDelay: Duration.seconds(60),
    });

    this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: ApplicationProtocol.HTTPS,
      sslPolicy: SslPolicy.RECOMMENDED_TLS,
      certificates: [ListenerCertificate.fromArn(certificateArn)],
      defaultTargetGroups: [this.targetGroup],
      open: false,
    });
    if (internetFacing) {
      this.loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443, sourceProtocol: ApplicationProtocol.HTTP, targetProtocol: ApplicationProtocol.HTTPS, open: false });
    }

    this.portalUrl = `https://${this.loadBalancer.loadBalancerDnsName}${config.portal.kind === 'openondemand' ? '/' : '/enginframe/'}`;
    new CfnOutput(this, 'LoadBalancerDnsName', { value: this.loadBalancer.loadBalancerDnsName });
    // `hpc-ha outputs` and `doctor` read the certificate's expiry through this.
    new CfnOutput(this, CERTIFICATE_ARN_OUTPUT, { value: certificateArn, description: 'Certificate of the HTTPS listener' });
  }

  /**
   * A self-signed SHA-256 certificate for the load balancer's DNS name, imported into ACM by a custom resource and
   * re-issued into the same ARN by a daily renewal before it expires.
   */
  private selfSignedCertificate(disposable: boolean, tags: Readonly<Record<string, string>>): { certificateArn: string; renewal: CertificateRenewal } {
    const provider = new BundledProvider(this, 'CertificateProvider', {
      handler: 'cert',
      timeout: Duration.minutes(2),
      totalTimeout: Duration.minutes(30),
      logRetention: logRetention({ disposable }),
    });
    const certificates = this.formatArn({ service: 'acm', resource: 'certificate', resourceName: '*' });
    provider.role.addToPolicy(
      new PolicyStatement({ actions: ['acm:ImportCertificate', 'acm:AddTagsToCertificate', 'acm:ListCertificates'], resources: ['*'] }),
    );
    provider.role.addToPolicy(
      new PolicyStatement({ actions: ['acm:DescribeCertificate', 'acm:ListTagsForCertificate'], resources: [certificates] }),
    );
    // Deleting and untagging: only certificates an hpc-ha certificate handler imported (it tags each with
    // REQUEST_TAG at import), never one the account holds for anything else.
    provider.role.addToPolicy(
      new PolicyStatement({
        actions: ['acm:DeleteCertificate', 'acm:RemoveTagsFromCertificate'],
        resources: [certificates],
        conditions: { Null: { [`aws:ResourceTag/${CERT_REQUEST_TAG}`]: 'false' } },
      }),
    );
    acknowledge(provider.role, {
      'AwsSolutions-IAM5[Resource::*]': 'ImportCertificate creates a certificate whose ARN is unknown before the call; ListCertificates has no resource scope',
      [`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:acm:${this.region}:<AWS::AccountId>:certificate/*]`]:
        "ACM generates the imported certificate's ARN; reads cover this account's certificates, deletes only those carrying the handler's own tag",
    });
    const certificate = new CustomResource(this, 'Certificate', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::SelfSignedCertificate',
      properties: {
        [CERT_PROPERTIES.domainName]: this.loadBalancer.loadBalancerDnsName,
        [CERT_PROPERTIES.tags]: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      },
    });
    const certificateArn = certificate.getAttString(CERT_ATTRIBUTES.certificateArn);
    const renewal = new CertificateRenewal(this, 'CertificateRenewal', {
      certificateArn,
      domainName: this.loadBalancer.loadBalancerDnsName,
      runtime: provider.onEventFunction.runtime,
      logRetention: logRetention({ disposable }),
    });
    return { certificateArn, renewal };
  }
}
