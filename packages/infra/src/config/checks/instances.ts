import { isArmInstanceType, parseInstanceType } from '../instance-types.js';
import type { PathSegment } from '../paths.js';
import type { Report } from './report.js';
import { quote } from './report.js';

/**
 * EnginFrame is x86_64 only, and every node that runs jobs submitted from the portal must run the same
 * architecture as the Slurm client binaries the portal copies, so every EC2 type in the file must be x86_64.
 */
export function checkX86InstanceType(path: readonly PathSegment[], type: string, role: string, r: Report): void {
  if (!parseInstanceType(type)) {
    r.error(path, `${quote(type)} is not an EC2 instance type (expected a name such as m6i.xlarge)`);
  } else if (isArmInstanceType(type)) {
    r.error(path, `${quote(type)} is an Arm (Graviton) type; ${role}`);
  }
}

export const PORTAL_ROLE = 'EnginFrame runs only on x86_64';
export const CLUSTER_ROLE = 'the portal submits jobs with x86_64 Slurm clients, so cluster nodes must be x86_64 too';
