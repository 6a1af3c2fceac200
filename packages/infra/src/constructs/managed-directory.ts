import { CfnOutput, Fn, type RemovalPolicy, type SecretValue } from 'aws-cdk-lib';
import type { ISubnet, IVpc } from 'aws-cdk-lib/aws-ec2';
import { CfnMicrosoftAD } from 'aws-cdk-lib/aws-directoryservice';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.js';
import { DirectoryDnsForwarding } from './directory-dns.js';

export interface ManagedDirectoryProps {
  readonly vpc: IVpc;
  /** One private subnet per AZ: AWS places one domain controller in each, so the directory survives an AZ loss. */
  readonly subnets: readonly [ISubnet, ISubnet];
  /** DNS name of the new domain, e.g. corp.example.com. */
  readonly domainName: string;
  /** NetBIOS name (first label, upper-case, at most 15 characters). */
  readonly netbiosName: string;
  /** The secret the bind user's password must come from (shown in the printed next step). */
  readonly bindPasswordSecretArn: string;
  readonly bindDn: string;
  readonly adminGroup: string;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * `directory.create: true`: an AWS Managed Microsoft AD (Standard edition) with its two domain controllers in the
 * two private subnets. Its `Admin` password is generated into a secret of its own, referenced by the template and
 * never written into it. The VPC resolves the domain's DNS names through the controllers (DirectoryDnsForwarding),
 * so nodes connect to `ldaps://<domain>`, the name the controllers' LDAPS certificates carry. Creating the read-only
 * bind user and the admin group inside the domain, and turning on LDAPS (which needs a certificate from a CA in the
 * domain), are done in the directory, not by CloudFormation: the stack prints them as one step (`DirectoryNextStep`).
 */
export class ManagedDirectory extends Construct {
  readonly directoryId: string;
  /** The two domain controllers' IP addresses, in subnet order. */
  readonly dnsAddresses: readonly [string, string];
  readonly adminPasswordSecret: Secret;

  constructor(scope: Construct, id: string, props: ManagedDirectoryProps) {
    super(scope, id);
    this.adminPasswordSecret = new Secret(this, 'AdminPassword', {
      description: `hpc-ha: password of the Admin user of ${props.domainName} (AWS Managed Microsoft AD)`,
      // Directory Service wants 8-64 characters from at least three classes; quotes and slashes upset shells.
      generateSecretString: { passwordLength: 32, excludeCharacters: '"\'\\/@`$', requireEachIncludedType: true },
      removalPolicy: props.removalPolicy,
    });
    const password: SecretValue = this.adminPasswordSecret.secretValue;
    const directory = new CfnMicrosoftAD(this, 'Directory', {
      name: props.domainName,
      shortName: props.netbiosName,
      edition: 'Standard',
      // A {{resolve:secretsmanager:...}} reference: CloudFormation reads the value at deploy time.
      password: password.unsafeUnwrap(),
      vpcSettings: { vpcId: props.vpc.vpcId, subnetIds: [props.subnets[0].subnetId, props.subnets[1].subnetId] },
    });
    directory.applyRemovalPolicy(props.removalPolicy);
    this.directoryId = directory.ref;
    this.dnsAddresses = [Fn.select(0, directory.attrDnsIpAddresses), Fn.select(1, directory.attrDnsIpAddresses)];
    // The nodes use the domain's DNS name (what the LDAPS certificates name); the VPC resolves it through the DCs.
    new DirectoryDnsForwarding(this, 'DnsForwarding', { vpc: props.vpc, subnets: props.subnets, domainName: props.domainName, dnsAddresses: this.dnsAddresses });
    acknowledge(this.adminPasswordSecret, {
      'AwsSolutions-SMG4': 'The Admin password of AWS Managed Microsoft AD cannot be rotated by a Secrets Manager rotation function; reset it with ds:ResetUserPassword',
    });

    new CfnOutput(this, 'DirectoryId', { value: this.directoryId, description: 'AWS Managed Microsoft AD of the deployment' });
    new CfnOutput(this, 'AdminPasswordSecretArn', { value: this.adminPasswordSecret.secretArn, description: `Secret holding the password of ${props.netbiosName}\\Admin` });
    new CfnOutput(this, 'DirectoryNextStep', {
      description: 'The one manual step before directory users can log in',
      value: [
        `As ${props.netbiosName}\\Admin (password in the AdminPasswordSecretArn secret), from a domain-joined Windows instance with the AD tools:`,
        `1) create the user ${props.bindDn} with the password stored in ${props.bindPasswordSecretArn}, and the group ${props.adminGroup} with its first member;`,
        `2) enable server-side LDAPS: deploy an enterprise CA in ${props.domainName} and give both domain controllers a certificate from the Kerberos Authentication template (it names the domain, ${props.domainName}, which the nodes connect to as ldaps://${props.domainName}), then set directory.caCertificate to that CA's certificate and deploy again.`,
      ].join(' '),
    });
  }
}
