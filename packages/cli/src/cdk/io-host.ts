import type { IIoHost, IoMessage, IoRequest } from '@aws-cdk/toolkit-lib';
import type { Ui } from '../ui.js';

export interface HostOptions {
  /** Answer yes to every confirmation (deploy --yes, destroy --yes). */
  readonly yes: boolean;
  readonly debug?: boolean;
  /** Show the toolkit's results as progress (stderr), when the command prints its own results. */
  readonly resultsToStderr?: boolean;
}

/** What the toolkit reported that the command needs to decide its exit code. */
export interface HostState {
  aborted: boolean;
  noStackMatched: boolean;
  /** An SDK call timed out: the toolkit then reports missing credentials or a failed call, not the timeout. */
  timedOut?: boolean;
}

// Toolkit message codes (see @aws-cdk/toolkit-lib's message registry).
const STACK_ACTIVITY = 'CDK_TOOLKIT_I5502';
const CONFIRM_DEPLOY = 'CDK_TOOLKIT_I5060';
const CONFIRM_DESTROY = 'CDK_TOOLKIT_I7010';
const DESTROY_ABORTED = 'CDK_TOOLKIT_E7010';
const NO_STACK_MATCHES = 'CDK_TOOLKIT_W7011';

interface ActivityData {
  event?: { StackName?: string; LogicalResourceId?: string; ResourceType?: string; ResourceStatus?: string; ResourceStatusReason?: string };
  progress?: { formatted?: string };
}

// SGR escape sequences (ESC [ … m), built from a string so the pattern holds no literal control character.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** One progress line per CloudFormation event: stack, n/total, status, type, logical id, and why when it failed. */
export function formatActivity(data: ActivityData, ui: Ui): string | undefined {
  const e = data.event;
  if (!e?.ResourceStatus) return undefined;
  const status = e.ResourceStatus;
  const paint = status.endsWith('_FAILED') ? ui.style.bad : status.endsWith('_COMPLETE') ? ui.style.ok : ui.style.dim;
  const reason = e.ResourceStatusReason && status.endsWith('_FAILED') ? `  ${e.ResourceStatusReason}` : '';
  return `${e.StackName ?? ''} ${(data.progress?.formatted ?? '').trim()} ${paint(status.padEnd(18))} ${e.ResourceType ?? ''} ${e.LogicalResourceId ?? ''}${reason}`;
}

async function confirm(message: string, ui: Ui): Promise<boolean> {
  if (!ui.interactive) return false;
  const prompts = await import('@clack/prompts');
  const answer = await prompts.confirm({ message, initialValue: false, output: process.stderr });
  return answer === true;
}

/**
 * The toolkit's messages, routed to the CLI's streams: results to stdout, the rest to stderr (silenced by
 * --quiet), CloudFormation events as progress lines. Confirmations are answered by --yes or, on a terminal, asked.
 */
export function createIoHost(ui: Ui, options: HostOptions, state: HostState): IIoHost {
  const text = (s: string) => (ui.color ? s : s.replace(ANSI, ''));
  return {
    async notify(msg: IoMessage<unknown>): Promise<void> {
      if (msg.code === STACK_ACTIVITY) {
        const line = formatActivity(msg.data as ActivityData, ui);
        if (line) ui.info(line);
        return;
      }
      if (msg.code === DESTROY_ABORTED) state.aborted = true;
      if (/\bTimeoutError\b|ETIMEDOUT/.test(msg.message)) state.timedOut = true;
      if (msg.code === NO_STACK_MATCHES) state.noStackMatched = true;
      switch (msg.level) {
        case 'result':
          if (options.resultsToStderr) ui.info(text(msg.message));
          else ui.out(text(msg.message));
          return;
        case 'error':
          ui.error(text(msg.message));
          return;
        case 'warn':
          ui.warn(text(msg.message));
          return;
        case 'info':
          ui.info(text(msg.message));
          return;
        default:
          if (options.debug) ui.info(ui.style.dim(text(msg.message)));
      }
    },
    async requestResponse<T>(msg: IoRequest<unknown, T>): Promise<T> {
      if (msg.code === CONFIRM_DESTROY) {
        if (options.yes) return true as T;
        return (await confirm(text(msg.message), ui)) as T;
      }
      if (msg.code === CONFIRM_DEPLOY) {
        const change = (msg.data as { permissionChangeType?: string }).permissionChangeType;
        // Like the CDK CLI's default (--require-approval broadening): ask only when permissions widen.
        if (change !== 'broadening' || options.yes) return true as T;
        ui.info(text(msg.message));
        if (ui.interactive) return (await confirm('Deploy these security-related changes?', ui)) as T;
        ui.error('the changes above widen IAM permissions or network access; rerun with --yes to approve them');
        return false as T;
      }
      return msg.defaultResponse;
    },
  };
}
