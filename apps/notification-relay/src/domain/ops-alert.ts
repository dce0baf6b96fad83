import type { EventOf } from '@gpuaas/contracts';

/** Events that need an operator. */
export type OpsEventType =
  | 'platform.payments.reconcile_failed'
  | 'gpuaas.provisioning.release_failed';

/** A Slack Block Kit block, as much of it as the alerts use. */
export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string } }
  | {
      type: 'section';
      text?: { type: 'mrkdwn'; text: string };
      fields?: { type: 'mrkdwn'; text: string }[];
    }
  | {
      type: 'actions';
      elements: { type: 'button'; text: { type: 'plain_text'; text: string }; url: string }[];
    }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] };

/** What an operator needs to act, and the incoming-webhook message that says it. */
export interface OpsAlertContent {
  kind: 'payment.reconcile_failed' | 'allocation.release_failed';
  reason: string;
  stripeEventId: string | null;
  paymentSessionId: string | null;
  allocationId: string | null;
  userId: string | null;
  /** The replay console, filtered to this flow, where replaying could be the fix. */
  replayUrl: string | null;
  /** Incoming-webhook payload: `text` is the notification fallback, `blocks` the message. */
  message: { text: string; blocks: SlackBlock[] };
}

export interface OpsAlertOptions {
  replayConsoleUrl?: string | undefined;
}

// Slack mrkdwn treats these three as control characters (api.slack.com "Escaping text").
const escapeMrkdwn = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
const code = (value: string | null) => (value ? `\`${escapeMrkdwn(value)}\`` : '—');
const field = (label: string, value: string | null) => ({
  type: 'mrkdwn' as const,
  text: `*${label}*\n${code(value)}`,
});

function replayLink(base: string | undefined, correlationId: string): string | null {
  if (!base) return null;
  const url = new URL(base);
  url.searchParams.set('correlation_id', correlationId);
  return url.toString();
}

export function renderOpsAlert(
  event: EventOf<OpsEventType>,
  options: OpsAlertOptions = {},
): OpsAlertContent {
  if (event.event_type === 'platform.payments.reconcile_failed') {
    const p = (event as EventOf<'platform.payments.reconcile_failed'>).payload;
    // A dead-lettered credit of the same flow is what a replay would bring back.
    const replayUrl = replayLink(options.replayConsoleUrl, event.correlation_id);
    const amounts =
      p.expected_amount_micros !== undefined || p.observed_amount_micros !== undefined
        ? ` Expected ${p.expected_amount_micros ?? '?'} micros, observed ${p.observed_amount_micros ?? '?'}${p.currency ? ` ${p.currency}` : ''}.`
        : '';
    return assemble({
      kind: 'payment.reconcile_failed',
      title: `Payment not reconciled: ${p.reason_code}`,
      summary: `Stripe ${p.stripe_event_type} ${p.stripe_event_id} could not be credited (${p.reason_code}).${amounts}`,
      reason: p.reason_code,
      stripeEventId: p.stripe_event_id,
      paymentSessionId: p.payment_session_id,
      allocationId: null,
      userId: p.user_id ?? null,
      replayUrl,
      event,
    });
  }
  const p = (event as EventOf<'gpuaas.provisioning.release_failed'>).payload;
  return assemble({
    kind: 'allocation.release_failed',
    title: `Release failed: ${p.allocation_id}`,
    summary:
      `Instance ${p.provider_instance_id} was not confirmed gone after ${p.attempts} attempts ` +
      `(last error ${p.last_error_code}); billing stopped at ${p.failed_at}. Confirm it is gone and resolve the allocation.`,
    reason: p.last_error_code,
    stripeEventId: null,
    paymentSessionId: null,
    allocationId: p.allocation_id,
    userId: p.user_id,
    // Nothing to replay: the fix is on the provider's side.
    replayUrl: null,
    event,
  });
}

interface AlertParts extends Omit<OpsAlertContent, 'message'> {
  title: string;
  summary: string;
  event: EventOf<OpsEventType>;
}

function assemble(parts: AlertParts): OpsAlertContent {
  const { title, summary, event, ...content } = parts;
  const fields = [
    field('Reason', content.reason),
    field('Correlation id', event.correlation_id),
    ...(content.stripeEventId ? [field('Stripe event', content.stripeEventId)] : []),
    ...(content.paymentSessionId ? [field('Checkout session', content.paymentSessionId)] : []),
    field('Allocation', content.allocationId),
    field('User', content.userId),
  ];
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
    { type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(summary) } },
    { type: 'section', fields },
  ];
  if (content.replayUrl) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Open replay console' },
          url: content.replayUrl,
        },
      ],
    });
  }
  blocks.push({
    type: 'context',
    elements: [
      { type: 'mrkdwn', text: `${escapeMrkdwn(event.event_type)} · event ${code(event.event_id)}` },
    ],
  });
  const text = [
    `:rotating_light: ${title}`,
    content.stripeEventId ? `Stripe event ${content.stripeEventId}` : undefined,
    content.allocationId ? `allocation ${content.allocationId}` : undefined,
    `correlation ${event.correlation_id}`,
  ]
    .filter(Boolean)
    .join(' · ');
  return { ...content, message: { text: escapeMrkdwn(text), blocks } };
}
