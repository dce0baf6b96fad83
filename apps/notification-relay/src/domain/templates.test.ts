import { examples } from '@gpuaas/contracts';
import { describe, expect, it } from 'vitest';
import { createLinks } from './links';
import { NOTIFIED_EVENT_TYPES } from './notification';
import { renderEndpointDisabled, renderNotification } from './templates';

const links = createLinks({ consoleUrl: 'https://console.example.com/' });

describe('templates', () => {
  it('render every consumed event type with a kind, a text and a link', () => {
    const kinds = new Set<string>();
    for (const type of NOTIFIED_EVENT_TYPES) {
      const n = renderNotification(type, examples[type], links);
      kinds.add(n.kind);
      expect(n.title.length).toBeGreaterThan(10);
      expect(n.body.length).toBeGreaterThan(20);
      expect(n.links.length).toBeGreaterThan(0);
      for (const link of n.links) expect(link.href).toMatch(/^https:\/\/console\.example\.com\//);
    }
    expect(kinds.size).toBe(NOTIFIED_EVENT_TYPES.length);
  });

  it('say what happened in words and amounts a person reads', () => {
    const active = renderNotification(
      'gpuaas.provisioning.active',
      examples['gpuaas.provisioning.active'],
      links,
    );
    expect(active.title).toBe('Your 2× nvidia-h100-80gb allocation is ready');
    expect(active.body).toContain('$2.49 per GPU-hour');
    expect(active.body).toContain('2026-01-15 09:31 UTC');
    expect(active.links).toEqual([
      {
        rel: 'allocation',
        href: 'https://console.example.com/allocations/alloc_01JD8X5ZQ4M2V7K9T3N6P1R8WB',
      },
    ]);

    const low = renderNotification(
      'platform.billing.low_balance_warning',
      examples['platform.billing.low_balance_warning'],
      links,
    );
    expect(low.severity).toBe('warning');
    expect(low.body).toContain('$4.80');
    expect(low.body).toContain('$5.00');
    expect(low.links[0]).toEqual({
      rel: 'balance',
      href: 'https://console.example.com/billing/balance',
    });

    const idle = renderNotification(
      'platform.billing.low_balance_warning',
      { ...examples['platform.billing.low_balance_warning'], projected_depletion_at: null },
      links,
    );
    expect(idle.body).toContain('Nothing is running');

    const depleted = renderNotification(
      'platform.billing.balance_depleted',
      examples['platform.billing.balance_depleted'],
      links,
    );
    expect(depleted.severity).toBe('critical');
    expect(depleted.body).toContain('1 running allocation is being released');
    expect(depleted.links.map((l) => l.rel)).toEqual(['balance', 'allocation']);

    const released = renderNotification(
      'gpuaas.provisioning.releasing.completed',
      {
        ...examples['gpuaas.provisioning.releasing.completed'],
        release_reason: 'balance_depleted',
      },
      links,
    );
    expect(released.severity).toBe('warning');
    expect(released.body).toContain('because your balance ran out');
    expect(released.body).toContain('2h 29m');
    // Released before it ever ran (cancelled while provisioning): no "0ms" of billable time.
    const cancelled = renderNotification(
      'gpuaas.provisioning.releasing.completed',
      { ...examples['gpuaas.provisioning.releasing.completed'], billable_seconds: 0 },
      links,
    );
    expect(cancelled.body).toContain('before any billable time.');
    expect(cancelled.body).not.toMatch(/0ms/);

    const failed = renderNotification(
      'gpuaas.provisioning.failed',
      examples['gpuaas.provisioning.failed'],
      links,
    );
    expect(failed.body).toContain('no GPU capacity was available');
    expect(failed.body).toContain('You can request it again.');

    const payment = renderNotification(
      'platform.payments.reconcile_failed',
      examples['platform.payments.reconcile_failed'],
      links,
    );
    expect(payment.body).toContain('the payment currency does not match the checkout');
    expect(payment.body).toContain(
      examples['platform.payments.reconcile_failed'].payment_session_id,
    );

    const pending = renderNotification(
      'platform.billing.auto_release_pending',
      examples['platform.billing.auto_release_pending'],
      links,
    );
    expect(pending).toMatchObject({
      severity: 'critical',
      title: 'Your allocations will be released soon',
    });
    expect(pending.body).toBe(
      'At $4.98 per hour your balance of $1.20 runs out around 2026-01-15 17:59 UTC; 1 running ' +
        'allocation will then be released. Add credit to keep them running.',
    );

    const stuck = renderNotification(
      'gpuaas.provisioning.release_failed',
      examples['gpuaas.provisioning.release_failed'],
      links,
    );
    expect(stuck.title).toBe(
      'Release of allocation alloc_01JD8X5ZQ4M2V7K9T3N6P1R8WB needs our attention',
    );
    expect(stuck.body).toBe(
      'We could not confirm that its instance stopped after 31 attempts. Billing stopped at ' +
        '2026-01-15 12:15 UTC; our operators are resolving it.',
    );
  });

  it('link relatively without a console URL', () => {
    const n = renderNotification(
      'gpuaas.provisioning.release_failed',
      examples['gpuaas.provisioning.release_failed'],
      createLinks({}),
    );
    expect(n.links[0]?.href).toBe('/allocations/alloc_01JD8X5ZQ4M2V7K9T3N6P1R8WB');
  });

  it('cap the allocation links of a depletion that stops many', () => {
    const ids = Array.from({ length: 25 }, (_, i) => `alloc-${i}`);
    const n = renderNotification(
      'platform.billing.balance_depleted',
      { ...examples['platform.billing.balance_depleted'], active_allocation_ids: ids },
      links,
    );
    expect(n.links).toHaveLength(11);
    expect(n.body).toContain('25 running allocations are being released');
  });

  it('tell why an endpoint was disabled', () => {
    expect(renderEndpointDisabled('https://x.example/h', 'gone', 0, links).body).toContain(
      '410 Gone',
    );
    expect(
      renderEndpointDisabled('https://x.example/h', 'failing', 5 * 86_400_000, links).body,
    ).toContain('failed for 5d');
  });
});
