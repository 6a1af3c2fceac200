import { parseIpv4Cidr, type Ipv4Cidr } from './cidr.js';

/**
 * The VPC stack's subnet plan, computed without the CDK: equal blocks of prefix + 2 (at most /28), allocated in the
 * order the CDK's Vpc does — Public AZ 1, Public AZ 2, Private AZ 1, Private AZ 2. The loader uses it to tell which
 * AZ a directory server's address is in; an infra test holds it to what the CDK actually synthesizes.
 */
export interface SubnetLayout {
  readonly public: readonly [Ipv4Cidr, Ipv4Cidr];
  readonly private: readonly [Ipv4Cidr, Ipv4Cidr];
}

export function subnetLayout(vpcCidr: string): SubnetLayout | undefined {
  const vpc = parseIpv4Cidr(vpcCidr);
  if (!vpc || vpc.prefix > 26) return undefined;
  const prefix = Math.min(28, vpc.prefix + 2);
  const size = 2 ** (32 - prefix);
  const block = (i: number): Ipv4Cidr => ({ address: vpc.address + i * size, prefix });
  return { public: [block(0), block(1)], private: [block(2), block(3)] };
}

export function containsAddress(cidr: Ipv4Cidr, address: number): boolean {
  const size = 2 ** (32 - cidr.prefix);
  return address >= cidr.address && address < cidr.address + size;
}

/** The 32-bit value of a dotted IPv4 address, or undefined for anything else (a host name). */
export function parseIpv4(text: string): number | undefined {
  return parseIpv4Cidr(`${text}/32`)?.address;
}

export function formatCidr(c: Ipv4Cidr): string {
  return `${[24, 16, 8, 0].map((s) => Math.floor(c.address / 2 ** s) % 256).join('.')}/${c.prefix}`;
}
