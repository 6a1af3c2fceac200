import 'aws-sdk-client-mock-vitest/extend';
import {
  ACMClient,
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  ImportCertificateCommand,
  ListCertificatesCommand,
  ListTagsForCertificateCommand,
} from '@aws-sdk/client-acm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isComplete, onEvent } from '../src/cert/handler.js';
import { awsError, throttled } from './support/aws-errors.js';
import { completeEvent, createEvent, deleteEvent, lambdaContext } from './support/events.js';
import { captureLogs } from './support/logs.js';

const ARN = 'arn:aws-cn:acm:cn-north-1:123456789012:certificate/11111111-2222-4333-8444-555555555555';
const LISTENER = 'arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:loadbalancer/app/hpc-ha/0123456789abcdef';
const NAME = 'hpc-alb-1.cn-north-1.elb.amazonaws.com.cn';

const acm = mockClient(ACMClient);

describe('cert handler: faults moto cannot make (aws-sdk-client-mock)', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeAll(() => {
    logs = captureLogs();
  });
  afterAll(() => logs.restore());
  beforeEach(() => {
    acm.reset();
    acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [] });
  });

  it('refuses, before any AWS call, the tags the config loader refuses, with the same rule and words', async () => {
    const tags = [
      { Key: 'cost&center', Value: 'x' },
      { Key: 'hpc-ha:owner', Value: 'me' },
      { Key: 'project', Value: 'hpc (prod)' },
      ...Array.from({ length: 38 }, (_, i) => ({ Key: `t${i}`, Value: 'v' })),
    ];
    await expect(onEvent(createEvent({ DomainName: NAME, Tags: tags }))).rejects.toThrow(
      new RegExp(
        [
          '^Invalid certificate properties:',
          '  - Tags\\[0\\]\\.Key: tag key "cost&center" contains "&"; tag keys and values may hold only letters, digits, spaces and _ \\. : / = \\+ - @ \\(ACM, EFS, FSx and the load balancer refuse the rest\\)',
          '  - Tags\\[1\\]\\.Key: tag key "hpc-ha:owner" uses the reserved "hpc-ha:" prefix \\(used by hpc-ha for its own tags\\)',
          '  - Tags\\[2\\]\\.Value: tag value "hpc \\(prod\\)" contains "\\("',
        ].join('\n'),
      ),
    );
    await expect(onEvent(createEvent({ DomainName: NAME, Tags: tags }))).rejects.toThrow(/- Tags: 41 tags; at most 40 are allowed/);
    expect(acm.calls()).toHaveLength(0);
  });

  it('rides out throttling on ImportCertificate and imports once', async () => {
    acm.on(ImportCertificateCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves({ CertificateArn: ARN });
    const answer = await onEvent(createEvent({ DomainName: NAME }));
    expect(answer).toEqual({ PhysicalResourceId: ARN, Data: { CertificateArn: ARN } });
    expect(acm).toHaveReceivedCommandTimes(ImportCertificateCommand, 3);
    expect(logs.entries().filter((e) => e['msg'] === 'AWS call will be retried' && e['call'] === 'ACM ImportCertificate')).toHaveLength(2);
  });

  /**
   * ACM carries out the import, then the answer is lost (a 5xx from a proxy, a socket timeout). The retry must find
   * that certificate by the request tag it was imported with, not import a second one and orphan the first.
   */
  for (const [what, lost] of [
    ['a 5xx', () => awsError('InternalFailure', 'We encountered an internal error. Please try again.', 500)],
    ['a timeout', () => awsError('TimeoutError', 'Connection timed out after 30000 ms', 0)],
  ] as const) {
    it(`an import whose answer was lost to ${what} is found by its request tag, not imported twice`, async () => {
      const imported: { CertificateArn: string; Tags: { Key?: string; Value?: string }[] }[] = [];
      acm.on(ImportCertificateCommand).callsFake((input: { Tags?: { Key?: string; Value?: string }[] }) => {
        imported.push({ CertificateArn: `${ARN.slice(0, -1)}${imported.length}`, Tags: input.Tags ?? [] });
        return Promise.reject(lost());
      });
      acm.on(ListCertificatesCommand).callsFake(async () => ({
        CertificateSummaryList: imported.map((c) => ({ CertificateArn: c.CertificateArn, DomainName: NAME })),
      }));
      acm.on(ListTagsForCertificateCommand).callsFake(async (input: { CertificateArn?: string }) => ({
        Tags: imported.find((c) => c.CertificateArn === input.CertificateArn)?.Tags,
      }));

      const answer = await onEvent(createEvent({ DomainName: NAME, Tags: [{ Key: 'team', Value: 'hpc' }] }));
      expect(imported).toHaveLength(1);
      expect(answer).toEqual({ PhysicalResourceId: imported[0]!.CertificateArn, Data: { CertificateArn: imported[0]!.CertificateArn } });
      expect(acm).toHaveReceivedCommandTimes(ImportCertificateCommand, 1);
      expect(logs.entries().some((e) => e['msg'] === 'AWS call had succeeded before its answer was lost; not sent again')).toBe(true);
    });
  }

  it('an import that failed before ACM carried it out is sent again after the lookup finds nothing', async () => {
    acm.on(ImportCertificateCommand).rejectsOnce(awsError('ServiceUnavailable', 'Service unavailable', 503)).resolves({ CertificateArn: ARN });
    const answer = await onEvent(createEvent({ DomainName: NAME }));
    expect(answer.PhysicalResourceId).toBe(ARN);
    expect(acm).toHaveReceivedCommandTimes(ImportCertificateCommand, 2);
    // Once before the first attempt, once before the retry.
    expect(acm).toHaveReceivedCommandTimes(ListCertificatesCommand, 2);
  });

  it('fails with the call and the reason when throttling outlasts the retries', async () => {
    acm.on(ImportCertificateCommand).rejects(throttled());
    await expect(onEvent(createEvent({ DomainName: NAME }), lambdaContext(8_000))).rejects.toThrow(
      'ACM ImportCertificate failed: ThrottlingException: Rate exceeded',
    );
  });

  it('does not retry a validation error', async () => {
    acm.on(ImportCertificateCommand).rejects(awsError('ValidationException', 'The certificate field contains more than one certificate'));
    await expect(onEvent(createEvent({ DomainName: NAME }))).rejects.toThrow(
      'ACM ImportCertificate failed: ValidationException: The certificate field contains more than one certificate',
    );
    expect(acm).toHaveReceivedCommandTimes(ImportCertificateCommand, 1);
  });

  it('a call that never answers ends with a timeout error before the Lambda would be killed', async () => {
    acm.on(ImportCertificateCommand).callsFake(() => new Promise(() => undefined));
    const started = Date.now();
    // 7 s left minus the 5 s safety margin: 2 s for the call.
    await expect(onEvent(createEvent({ DomainName: NAME }), lambdaContext(7_000))).rejects.toThrow(
      /^ACM ImportCertificate failed: TimeoutError: no answer within \d+ ms$/,
    );
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(1_500);
    expect(took).toBeLessThan(5_000);
  });

  it('Delete of a certificate in use waits (bounded polls) until it is released, then deletes it once', async () => {
    acm
      .on(DescribeCertificateCommand, { CertificateArn: ARN })
      .resolvesOnce({ Certificate: { CertificateArn: ARN, InUseBy: [LISTENER] } })
      .resolvesOnce({ Certificate: { CertificateArn: ARN, InUseBy: [LISTENER] } })
      .resolvesOnce({ Certificate: { CertificateArn: ARN, InUseBy: [] } })
      .rejects(awsError('ResourceNotFoundException', `Certificate ${ARN} not found`));
    acm.on(DeleteCertificateCommand).resolves({});

    const event = deleteEvent(ARN, { DomainName: NAME });
    const answer = await onEvent(event);
    expect(acm).not.toHaveReceivedCommand(DeleteCertificateCommand);
    const polled = completeEvent(event, answer);
    expect(await isComplete(polled)).toEqual({ IsComplete: false });
    expect(await isComplete(polled)).toEqual({ IsComplete: true });
    expect(acm).toHaveReceivedCommandTimes(DeleteCertificateCommand, 1);
    expect(acm).toHaveReceivedCommandWith(DeleteCertificateCommand, { CertificateArn: ARN });
    expect(await isComplete(polled)).toEqual({ IsComplete: true });
    expect(acm).toHaveReceivedCommandTimes(DeleteCertificateCommand, 1);
  });

  it('treats ResourceInUseException (InUseBy lagging) as "still in use", not as a failure', async () => {
    acm.on(DescribeCertificateCommand).resolves({ Certificate: { CertificateArn: ARN, InUseBy: [] } });
    acm.on(DeleteCertificateCommand).rejectsOnce(awsError('ResourceInUseException', 'Certificate is in use')).resolves({});
    const event = deleteEvent(ARN, { DomainName: NAME });
    const answer = await onEvent(event);
    expect(await isComplete(completeEvent(event, answer))).toEqual({ IsComplete: true });
    expect(acm).toHaveReceivedCommandTimes(DeleteCertificateCommand, 2);
  });

  it('gives up after DeleteWaitSeconds with an error naming what still uses the certificate', async () => {
    acm.on(DescribeCertificateCommand).resolves({ Certificate: { CertificateArn: ARN, InUseBy: [LISTENER] } });
    const event = deleteEvent(ARN, { DomainName: NAME, DeleteWaitSeconds: '60' });
    const answer = await onEvent(event);
    const longAgo = { ...answer, HpcHaWaitStartedAt: new Date(Date.now() - 61_000).toISOString() };
    await expect(isComplete(completeEvent(event, longAgo))).rejects.toThrow(
      new RegExp(`^Certificate ${ARN} is still in use by ${LISTENER} after 61 s \\(limit 60 s\\)`),
    );
    expect(acm).not.toHaveReceivedCommand(DeleteCertificateCommand);
  });

  it('a poll throttled past its budget asks to be polled again instead of failing the stack', async () => {
    acm.on(DescribeCertificateCommand).rejects(throttled());
    const event = deleteEvent(ARN, { DomainName: NAME });
    const answer = await onEvent(event, lambdaContext(7_000));
    expect(await isComplete(completeEvent(event, answer), lambdaContext(7_000))).toEqual({ IsComplete: false });
  });

  it('Create finds the certificate a previous attempt of the same request imported', async () => {
    const event = createEvent({ DomainName: NAME });
    acm.on(ImportCertificateCommand).resolves({ CertificateArn: ARN });
    await onEvent(event);
    const sentTags = acm.commandCalls(ImportCertificateCommand)[0]!.args[0].input.Tags!;
    acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [{ CertificateArn: ARN, DomainName: NAME }] });
    acm.on(ListTagsForCertificateCommand, { CertificateArn: ARN }).resolves({ Tags: sentTags });
    const again = await onEvent(event);
    expect(again.PhysicalResourceId).toBe(ARN);
    expect(acm).toHaveReceivedCommandTimes(ImportCertificateCommand, 1);
  });
});
