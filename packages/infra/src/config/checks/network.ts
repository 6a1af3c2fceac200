import { hasHostBits, networkAddress, parseIpv4Cidr } from '../cidr.js';
import type { RegionProfile } from '../region-profile.js';
import type { DeploymentConfigFile } from '../schema.js';
import type { Report } from './report.js';
import { quote } from './report.js';

export function checkNetwork(c: DeploymentConfigFile, profile: RegionProfile | undefined, r: Report): void {
  const cidr = parseIpv4Cidr(c.network.vpcCidr);
  if (!cidr) {
    r.error(['network', 'vpcCidr'], `${quote(c.network.vpcCidr)} is not an IPv4 CIDR such as 10.0.0.0/16`);
  } else if (cidr.prefix < 16 || cidr.prefix > 24) {
    r.error(
      ['network', 'vpcCidr'],
      `/${cidr.prefix} is outside what this VPC can use: a VPC takes /16 to /28, and the two public and two private subnets need at least /24 (64 addresses each)`,
    );
  } else if (hasHostBits(cidr)) {
    r.error(['network', 'vpcCidr'], `${quote(c.network.vpcCidr)} has host bits set; did you mean ${quote(networkAddress(cidr))}?`);
  }

  const azs = c.network.availabilityZones;
  if (azs === undefined) return;
  if (azs.length !== 2) {
    r.error(['network', 'availabilityZones'], `lists ${azs.length} Availability Zone(s); hpc-ha uses exactly 2 (one cluster and one portal node in each)`);
  }
  if (azs.length === 2 && azs[0] === azs[1]) {
    r.error(['network', 'availabilityZones', 1], `${quote(azs[1])} is listed twice; the two Availability Zones must differ or one AZ failure takes everything down`);
  }
  if (!profile) return;
  azs.forEach((az, i) => {
    if (!az.startsWith(profile.region)) {
      r.error(['network', 'availabilityZones', i], `${quote(az)} is not in region ${profile.region}; choose from ${profile.availabilityZones.join(', ')}`);
    } else if (!profile.availabilityZones.includes(az)) {
      r.error(['network', 'availabilityZones', i], `${quote(az)} is not an Availability Zone of ${profile.region}; choose from ${profile.availabilityZones.join(', ')}`);
    }
  });
}

export function checkLoadBalancer(c: DeploymentConfigFile, profile: RegionProfile | undefined, r: Report): void {
  const internetFacing = c.loadBalancer.internetFacing ?? profile?.defaultInternetFacing ?? false;
  const seen = new Set<string>();
  c.loadBalancer.allowedCidrs.forEach((text, i) => {
    const path = ['loadBalancer', 'allowedCidrs', i];
    const cidr = parseIpv4Cidr(text);
    if (!cidr) {
      r.error(path, `${quote(text)} is not an IPv4 CIDR such as 203.0.113.0/24 (a single address is 203.0.113.7/32)`);
      return;
    }
    if (hasHostBits(cidr)) r.error(path, `${quote(text)} has host bits set; did you mean ${quote(networkAddress(cidr))}?`);
    if (cidr.prefix === 0 && !internetFacing) {
      r.error(
        path,
        `0.0.0.0/0 is only allowed with loadBalancer.internetFacing: true; an internal load balancer should admit your networks' CIDRs`,
      );
    }
    if (seen.has(text)) r.error(path, `${quote(text)} is listed twice`);
    seen.add(text);
  });
}
