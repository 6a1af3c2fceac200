import { ACMClient } from '@aws-sdk/client-acm';

/** One ACM client per bundle. Region, credentials and endpoint (AWS_ENDPOINT_URL) come from the environment when first used. */
export const acm = new ACMClient({});
