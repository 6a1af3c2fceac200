export interface Ipv4Cidr {
  readonly address: number;
  readonly prefix: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  const m = CIDR.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { address, prefix };
}

function hostBits(c: Ipv4Cidr): number {
  return c.prefix === 0 ? c.address : c.address % 2 ** (32 - c.prefix);
}

export function networkAddress(c: Ipv4Cidr): string {
  const base = c.address - hostBits(c);
  return `${[24, 16, 8, 0].map((s) => Math.floor(base / 2 ** s) % 256).join('.')}/${c.prefix}`;
}

/** True when the address has bits set below the prefix (10.0.0.1/16). */
export function hasHostBits(c: Ipv4Cidr): boolean {
  return hostBits(c) !== 0;
}
