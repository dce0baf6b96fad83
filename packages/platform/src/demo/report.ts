import type { ScenarioResult } from './run';
import { usd } from './scenario';

const time = (iso: string) => (iso ? iso.slice(11, 23) : '—'.padEnd(12));

/** The end of the demo: the timeline, the catalog rows it went through, balance, ledger, notifications. */
export function reportLines(result: ScenarioResult): string[] {
  const lines: string[] = ['', 'Event timeline', ''];
  const width = Math.max(10, ...result.timeline.map((r) => r.eventType.length));
  const flow = Math.max(10, ...result.timeline.map((r) => `${r.producer} → ${r.consumer}`.length));
  lines.push(
    `  ${'time'.padEnd(12)}  ${'event type'.padEnd(width)}  ${'producer → consumer'.padEnd(flow)}  ${'outcome'.padEnd(17)}  correlation id`,
  );
  for (const row of result.timeline) {
    lines.push(
      `  ${time(row.at)}  ${row.eventType.padEnd(width)}  ${`${row.producer} → ${row.consumer}`.padEnd(flow)}  ${row.outcome.padEnd(17)}  ${row.correlationId}`,
    );
  }

  const covered = result.coverage.filter((r) => r.produced && r.consumed);
  const types = new Set(covered.map((r) => r.eventType));
  lines.push(
    '',
    `Catalog: ${covered.length} of ${result.coverage.length} (event type, consumer) rows, ${types.size} event types`,
  );
  for (const row of result.coverage.filter((r) => !(r.produced && r.consumed))) {
    lines.push(`  not exercised: ${row.eventType} ${row.producer} → ${row.consumer}`);
  }

  const { balance, ledgerCheck, notifications } = result.state;
  lines.push('');
  if (balance)
    lines.push(`Balance: ${usd(balance.balance_micros)} ${balance.currency} (${balance.state})`);
  if (ledgerCheck) {
    const checked = ['transactions', 'postings', 'accounts']
      .filter((k) => typeof ledgerCheck[k] === 'number')
      .map((k) => `${ledgerCheck[k]} ${k}`);
    lines.push(
      `Ledger check: ${ledgerCheck.ok === true ? 'ok' : 'FAILED'}${checked.length ? ` (${checked.join(', ')})` : ''}`,
    );
  }
  lines.push(`Notifications (${notifications.length}):`);
  for (const n of [...notifications].reverse()) {
    lines.push(`  ${n.status.padEnd(9)} ${n.channel.padEnd(8)} ${n.severity.padEnd(8)} ${n.title}`);
  }
  return lines;
}
