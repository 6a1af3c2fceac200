import { createHash } from 'node:crypto';
import {
  AddTagsToCertificateCommand,
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  ImportCertificateCommand,
  type ImportCertificateCommandOutput,
  ListCertificatesCommand,
  ListTagsForCertificateCommand,
  RemoveTagsFromCertificateCommand,
  type Tag,
} from '@aws-sdk/client-acm';
import { awsCall } from '../runtime/aws-call.js';
import { acm } from './client.js';
import { AwsCallError, errorName, isDeferrable } from '../runtime/errors.js';
import { deleteWaiter, onEventHandler, type HandlerContext } from '../runtime/handler.js';
import type { OnEventRequest, OnEventResponse } from '../runtime/provider.js';
import { CERT_ATTRIBUTES, CERT_DEFAULTS, CERT_PROPERTIES } from '../properties.js';
import { PropertyErrors } from '../runtime/props.js';
import { commonNameFor, generateSelfSigned } from './generate.js';
import {
  isCertificateArn,
  OWN_TAG_PREFIX,
  parseCertProps,
  REQUEST_TAG,
  sameCertificate,
  type CertProps,
} from './props.js';


/** Budget of one onEvent invocation when no Lambda context says otherwise. */
const ON_EVENT_BUDGET_MS = 120_000;
/** One isComplete poll must be short: the Provider framework calls it again after its interval. */
const IS_COMPLETE_BUDGET_MS = 60_000;

const NOT_FOUND = 'ResourceNotFoundException';
const IN_USE = 'ResourceInUseException';

/** Field carried from onEvent to isComplete (top level, not Data, so it never becomes an attribute). */
const WAIT_STARTED_AT = 'HpcHaWaitStartedAt';

/**
 * Create → a new self-signed certificate imported into ACM (physical id = its ARN).
 * Update → a new certificate when the name, key type or validity changed (CloudFormation then
 * deletes the old one); otherwise the tags are brought up to date on the same certificate.
 * Delete → deleted when no load balancer uses it any more; isComplete waits for that.
 */
export const onEvent = onEventHandler('cert', ON_EVENT_BUDGET_MS, async (event, ctx): Promise<OnEventResponse> => {
  switch (event.RequestType) {
    case 'Create': {
      const props = parseCertProps(event.ResourceProperties);
      return issued(await issue(props, event, ctx));
    }
    case 'Update': {
      const props = parseCertProps(event.ResourceProperties);
      const current = event.PhysicalResourceId;
      let previous: CertProps | undefined;
      try {
        previous = parseCertProps(event.OldResourceProperties);
      } catch {
        previous = undefined;
      }
      if (isCertificateArn(current) && previous && sameCertificate(previous, props) && (await exists(current, ctx))) {
        await syncTags(current, props.tags, ctx);
        ctx.log.info('certificate kept; tags brought up to date', { certificateArn: current });
        return issued(current);
      }
      return issued(await issue(props, event, ctx));
    }
    case 'Delete': {
      const arn = event.PhysicalResourceId;
      if (!isCertificateArn(arn)) {
        // A Create that failed leaves a non-ARN physical id: there is nothing in ACM to delete.
        ctx.log.info('nothing to delete: the physical id is not a certificate ARN');
        return { PhysicalResourceId: arn };
      }
      try {
        const outcome = await tryDelete(arn, ctx);
        ctx.log.info('delete attempted', { certificateArn: arn, outcome: outcome.state });
      } catch (error) {
        if (!isDeferrable(error)) throw error;
        ctx.log.warn('delete deferred to isComplete', { certificateArn: arn, error: causeName(error) });
      }
      return { PhysicalResourceId: arn, [WAIT_STARTED_AT]: new Date().toISOString() };
    }
  }
});

/** Create and Update are done when onEvent returns; Delete waits until the certificate is gone. */
export const isComplete = deleteWaiter(
  { handler: 'cert', budgetMs: IS_COMPLETE_BUDGET_MS, deferredFields: (event) => ({ certificateArn: event.PhysicalResourceId }) },
  async (event, ctx) => {
    const arn = event.PhysicalResourceId;
    if (!isCertificateArn(arn)) return { IsComplete: true };
    const waitLimitS = deleteWaitSeconds(event.ResourceProperties);
    const startedRaw = (event as Record<string, unknown>)[WAIT_STARTED_AT];
    const started = typeof startedRaw === 'string' ? Date.parse(startedRaw) : NaN;
    const waitedMs = Number.isNaN(started) ? 0 : Date.now() - started;

    // Throttling that outlasts this poll's retries defers to the next poll (see deleteWaiter).
    const outcome = await tryDelete(arn, ctx);
    if (outcome.state !== 'in-use') {
      ctx.log.info('certificate gone', { certificateArn: arn, outcome: outcome.state });
      return { IsComplete: true };
    }
    if (waitedMs > waitLimitS * 1000) {
      throw new Error(
        `Certificate ${arn} is still in use by ${outcome.inUseBy.join(', ') || 'another resource'} after ` +
          `${Math.round(waitedMs / 1000)} s (limit ${waitLimitS} s); detach it from the listener, then retry the stack operation`,
      );
    }
    ctx.log.info('certificate still in use; waiting', { certificateArn: arn, inUseBy: outcome.inUseBy, waitedMs });
    return { IsComplete: false };
  },
);

/** Read leniently: a Delete must not fail on properties that once were good enough to create it. */
function deleteWaitSeconds(raw: Readonly<Record<string, unknown>> | undefined): number {
  return new PropertyErrors(raw ?? {}).integer(CERT_PROPERTIES.deleteWaitSeconds, CERT_DEFAULTS.deleteWaitSeconds, 60, 3600);
}

function issued(arn: string): OnEventResponse {
  return { PhysicalResourceId: arn, Data: { [CERT_ATTRIBUTES.certificateArn]: arn } };
}

/**
 * A stable token for this CloudFormation request. A repeated invocation of the same request (the
 * framework retries on Lambda errors) finds the certificate it already imported instead of
 * importing a second one that nothing would ever delete.
 */
function requestToken(event: OnEventRequest): string {
  return createHash('sha256')
    .update(`${event.StackId}\n${event.LogicalResourceId}\n${event.RequestId}`)
    .digest('hex')
    .slice(0, 40);
}

async function issue(props: CertProps, event: OnEventRequest, ctx: HandlerContext): Promise<string> {
  const token = requestToken(event);
  const existing = await findByToken(props.domainName, token, ctx);
  if (existing) {
    ctx.log.info('certificate of this request already imported; reusing it', { certificateArn: existing });
    return existing;
  }
  const started = performance.now();
  const cert = await generateSelfSigned({
    dnsName: props.domainName,
    keyAlgorithm: props.keyAlgorithm,
    validityDays: props.validityDays,
  });
  const generatedMs = Math.round(performance.now() - started);
  const result = await awsCall<ImportCertificateCommandOutput>(
    'ACM ImportCertificate',
    (abortSignal) =>
      acm.send(
        new ImportCertificateCommand({
          Certificate: Buffer.from(cert.certificatePem),
          PrivateKey: Buffer.from(cert.privateKeyPem),
          Tags: [...props.tags, { Key: REQUEST_TAG, Value: token }],
        }),
        { abortSignal },
      ),
    {
      ...ctx,
      // A timed-out or 5xx import may have been carried out: look for it by its request tag before sending again,
      // or a second certificate is imported and the first one is orphaned.
      beforeRetry: async () => {
        const earlier = await findByToken(props.domainName, token, ctx);
        return earlier === undefined ? undefined : { CertificateArn: earlier, $metadata: {} };
      },
    },
  );
  const arn = result.CertificateArn;
  if (!arn) throw new Error('ACM ImportCertificate failed: the answer carried no CertificateArn');
  ctx.log.info('certificate imported', {
    certificateArn: arn,
    domainName: props.domainName,
    keyAlgorithm: props.keyAlgorithm,
    notAfter: cert.notAfter.toISOString(),
    generatedMs,
  });
  return arn;
}

async function findByToken(domainName: string, token: string, ctx: HandlerContext): Promise<string | undefined> {
  const names = new Set([domainName, commonNameFor(domainName)]);
  let nextToken: string | undefined;
  do {
    const page = await awsCall(
      'ACM ListCertificates',
      (abortSignal) =>
        acm.send(
          new ListCertificatesCommand({
            Includes: { keyTypes: ['EC_prime256v1', 'RSA_2048'] },
            NextToken: nextToken,
            MaxItems: 500,
          }),
          { abortSignal },
        ),
      ctx,
    );
    for (const summary of page.CertificateSummaryList ?? []) {
      if (!summary.CertificateArn || !names.has(summary.DomainName ?? '')) continue;
      const tags = await listTags(summary.CertificateArn, ctx);
      if (tags?.some((tag) => tag.Key === REQUEST_TAG && tag.Value === token)) return summary.CertificateArn;
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return undefined;
}

/** The certificate's tags, or undefined when it no longer exists. */
async function listTags(arn: string, ctx: HandlerContext): Promise<Tag[] | undefined> {
  try {
    const result = await awsCall(
      'ACM ListTagsForCertificate',
      (abortSignal) => acm.send(new ListTagsForCertificateCommand({ CertificateArn: arn }), { abortSignal }),
      { ...ctx, expectedErrors: [NOT_FOUND] },
    );
    return result.Tags ?? [];
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function exists(arn: string, ctx: HandlerContext): Promise<boolean> {
  return (await describe(arn, ctx)) !== undefined;
}

async function describe(arn: string, ctx: HandlerContext): Promise<{ inUseBy: string[] } | undefined> {
  try {
    const result = await awsCall(
      'ACM DescribeCertificate',
      (abortSignal) => acm.send(new DescribeCertificateCommand({ CertificateArn: arn }), { abortSignal }),
      { ...ctx, expectedErrors: [NOT_FOUND] },
    );
    return { inUseBy: result.Certificate?.InUseBy ?? [] };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function syncTags(arn: string, wanted: Tag[], ctx: HandlerContext): Promise<void> {
  const current = ((await listTags(arn, ctx)) ?? []).filter((tag) => !tag.Key?.startsWith(OWN_TAG_PREFIX));
  const wantedByKey = new Map(wanted.map((tag) => [tag.Key, tag.Value ?? '']));
  const stale = current.filter((tag) => !wantedByKey.has(tag.Key));
  const changed = wanted.filter((tag) => !current.some((c) => c.Key === tag.Key && (c.Value ?? '') === (tag.Value ?? '')));
  if (stale.length > 0) {
    await awsCall(
      'ACM RemoveTagsFromCertificate',
      (abortSignal) => acm.send(new RemoveTagsFromCertificateCommand({ CertificateArn: arn, Tags: stale }), { abortSignal }),
      ctx,
    );
  }
  if (changed.length > 0) {
    await awsCall(
      'ACM AddTagsToCertificate',
      (abortSignal) => acm.send(new AddTagsToCertificateCommand({ CertificateArn: arn, Tags: changed }), { abortSignal }),
      ctx,
    );
  }
}

type DeleteOutcome = { state: 'deleted' } | { state: 'not-found' } | { state: 'in-use'; inUseBy: string[] };

async function tryDelete(arn: string, ctx: HandlerContext): Promise<DeleteOutcome> {
  const described = await describe(arn, ctx);
  if (!described) return { state: 'not-found' };
  // ACM refuses to delete a certificate that a listener still references; asking first keeps
  // the log free of expected failures. InUseBy can lag, so the delete itself may still refuse.
  if (described.inUseBy.length > 0) return { state: 'in-use', inUseBy: described.inUseBy };
  try {
    await awsCall(
      'ACM DeleteCertificate',
      (abortSignal) => acm.send(new DeleteCertificateCommand({ CertificateArn: arn }), { abortSignal }),
      { ...ctx, expectedErrors: [NOT_FOUND, IN_USE] },
    );
    return { state: 'deleted' };
  } catch (error) {
    if (isNotFound(error)) return { state: 'not-found' };
    if (causeName(error) === IN_USE) return { state: 'in-use', inUseBy: [] };
    throw error;
  }
}

function causeName(error: unknown): string {
  return error instanceof AwsCallError ? error.causeName : errorName(error);
}

function isNotFound(error: unknown): boolean {
  return causeName(error) === NOT_FOUND;
}

export { renew } from './renew.js';
