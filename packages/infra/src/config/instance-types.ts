/**
 * EC2 instance type names: `<family><generation><attributes>.<size>` (m6i.large, c6gn.16xlarge, hpc7g.8xlarge).
 * In the attributes the processor letter comes first: i = Intel, a = AMD, g = AWS Graviton (Arm).
 */
const INSTANCE_TYPE = /^([a-z]+)(\d+)([a-z][a-z0-9-]*)?\.([a-z0-9]+)$/;

export interface InstanceTypeName {
  readonly family: string;
  readonly generation: number;
  readonly attributes: string;
  readonly size: string;
}

export function parseInstanceType(name: string): InstanceTypeName | undefined {
  const m = INSTANCE_TYPE.exec(name);
  if (!m) return undefined;
  return { family: m[1]!, generation: Number(m[2]), attributes: m[3] ?? '', size: m[4]! };
}

/**
 * True for Graviton types: a1, and every type whose attributes start with g (m6g, m6gd, c6gn, c7g, r8g, t4g, x2gd,
 * im4gn, is4gen, g5g, hpc7g). x86 types with a g elsewhere (g4dn, g4ad) are not Arm.
 */
export function isArmInstanceType(name: string): boolean {
  const t = parseInstanceType(name);
  if (!t) return false;
  if (t.family === 'a' && t.generation === 1) return true;
  return t.attributes.startsWith('g');
}
