/** An error shaped like an AWS SDK v3 service exception (name + HTTP status), for mocks. */
export function awsError(name: string, message: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: { httpStatusCode } });
}

export const throttled = (): Error => awsError('ThrottlingException', 'Rate exceeded', 400);
