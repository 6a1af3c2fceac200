import { hasHostBits, networkAddress, parseIpv4Cidr } from '../cidr.js';
import type { DeploymentConfigFile } from '../schema.js';
import { quote, type Report } from './report.js';

/** clusters.headNode.sshAllowedCidr: one IPv4 CIDR (HeadNode.Ssh.AllowedIps takes exactly one). */
export function checkHeadNodeSsh(c: DeploymentConfigFile, r: Report): void {
  const text = c.clusters.headNode.sshAllowedCidr;
  if (text === undefined) return;
  const path = ['clusters', 'headNode', 'sshAllowedCidr'];
  const cidr = parseIpv4Cidr(text);
  if (!cidr) {
    r.error(path, `${quote(text)} is not an IPv4 CIDR such as 10.0.0.0/16 (a single address is 10.0.5.9/32)`);
  } else if (hasHostBits(cidr)) {
    r.error(path, `${quote(text)} has host bits set; did you mean ${quote(networkAddress(cidr))}?`);
  } else if (cidr.prefix === 0) {
    r.warning(path, 'opens the head nodes\' SSH port to every address routed into the VPC; prefer your administrators\' networks');
  }
}
