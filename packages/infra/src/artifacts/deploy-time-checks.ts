import type { ConfigCheck } from '../config/index.js';
import { clustersTemplateFits } from './template-size-budget.js';
import { portalUserDataFits } from './user-data-budget.js';

/**
 * The checks of deploy-time limits that need the generators (no aws-cdk-lib, no AWS call): `nx run infra:synth`
 * (main.ts) and `hpc-ha validate` both pass exactly this list to the loader, so validate refuses what synth refuses.
 */
export const DEPLOY_TIME_CHECKS: readonly ConfigCheck[] = [portalUserDataFits, clustersTemplateFits];
