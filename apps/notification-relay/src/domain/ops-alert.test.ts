import { createEnvelope, examples } from '@gpuaas/contracts';
import { describe, expect, it } from 'vitest';
import { renderOpsAlert } from './ops-alert';

describe('renderOpsAlert', () => {
  it('gives a reconcile failure its Stripe event, reason, correlation and replay link', () => {
    const event = createEnvelope(
      'platform.payments.reconcile_failed',
      examples['platform.payments.reconcile_failed'],
      {
        correlationId: 'corr-<1>&',
      },
    );
    const alert = renderOpsAlert(event, {
      replayConsoleUrl: 'https://replay.example.com/dead-letters',
    });
    expect(alert.stripeEventId).toBe('evt_1QeZz9LkdIwHu7ixQw8eR7tY');
    expect(alert.reason).toBe('currency_mismatch');
    expect(alert.replayUrl).toBe(
      'https://replay.example.com/dead-letters?correlation_id=corr-%3C1%3E%26',
    );
    const json = JSON.stringify(alert.message);
    expect(alert.message.text).toContain('evt_1QeZz9LkdIwHu7ixQw8eR7tY');
    expect(json).toContain('currency_mismatch');
    expect(json).toContain('corr-&lt;1&gt;&amp;');
    expect(alert.message.blocks.map((b) => b.type)).toEqual([
      'header',
      'section',
      'section',
      'actions',
      'context',
    ]);
  });

  it('gives a failed release its allocation and no replay link', () => {
    const event = createEnvelope(
      'gpuaas.provisioning.release_failed',
      examples['gpuaas.provisioning.release_failed'],
      {
        correlationId: 'corr-2',
      },
    );
    const alert = renderOpsAlert(event, { replayConsoleUrl: 'https://replay.example.com/' });
    expect(alert.allocationId).toBe('alloc_01JD8X5ZQ4M2V7K9T3N6P1R8WB');
    expect(alert.reason).toBe('provider_timeout');
    expect(alert.replayUrl).toBeNull();
    expect(alert.message.text).toContain('alloc_01JD8X5ZQ4M2V7K9T3N6P1R8WB');
    expect(alert.message.blocks.some((b) => b.type === 'actions')).toBe(false);
  });
});
