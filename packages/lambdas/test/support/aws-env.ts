const KEYS = ['AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'] as const;

export const TEST_REGION = 'cn-north-1';

/**
 * Points every SDK client at `endpoint` the way a user would (the SDK reads AWS_ENDPOINT_URL
 * itself), with throw-away credentials. Returns a function that restores the previous values.
 */
export function useAwsEndpoint(endpoint: string): () => void {
  const saved = new Map(KEYS.map((key) => [key, process.env[key]]));
  process.env['AWS_ENDPOINT_URL'] = endpoint;
  process.env['AWS_REGION'] = TEST_REGION;
  process.env['AWS_ACCESS_KEY_ID'] = 'testing';
  process.env['AWS_SECRET_ACCESS_KEY'] = 'testing';
  delete process.env['AWS_SESSION_TOKEN'];
  delete process.env['AWS_PROFILE'];
  return () => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}
