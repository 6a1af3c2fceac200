import { describe, expect, it } from 'vitest';
import { isArmInstanceType, parseInstanceType } from './instance-types.js';

describe('isArmInstanceType', () => {
  it.each(['a1.large', 'm6g.large', 'm6gd.xlarge', 'c6gn.16xlarge', 'c7g.large', 'r8g.large', 't4g.micro', 'x2gd.xlarge', 'im4gn.large', 'is4gen.large', 'g5g.xlarge', 'hpc7g.16xlarge', 'm7gd.large', 'c8g.large'])(
    '%s is Arm',
    (t) => expect(isArmInstanceType(t)).toBe(true),
  );

  it.each(['m5.xlarge', 'm6i.large', 'm6a.large', 'c5n.18xlarge', 'g4dn.xlarge', 'g4ad.xlarge', 'p4d.24xlarge', 'hpc6a.48xlarge', 'x2iedn.xlarge', 'm7i-flex.large', 'inf1.xlarge', 'm5zn.large', 't3.micro'])(
    '%s is x86_64',
    (t) => expect(isArmInstanceType(t)).toBe(false),
  );

  it('parses the parts of a name', () => {
    expect(parseInstanceType('c6gn.16xlarge')).toEqual({ family: 'c', generation: 6, attributes: 'gn', size: '16xlarge' });
    expect(parseInstanceType('not-a-type')).toBeUndefined();
  });
});
