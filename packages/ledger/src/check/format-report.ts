import type { LedgerCheckReport } from './violations';

/** The report as an operator reads it in a terminal. */
export function formatReport(report: LedgerCheckReport): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const count = (value: number, noun: string) => `${n(value)} ${noun}${value === 1 ? '' : 's'}`;
  const lines = [
    `ledger check ${report.ok ? 'OK' : 'FAILED'} at ${report.read_time} in ${n(report.duration_ms)} ms`,
    `  ${[
      count(report.transactions, 'transaction'),
      count(report.postings, 'posting'),
      count(report.accounts, 'account'),
      count(report.balances, 'balance'),
      count(report.reversals, 'reversal'),
    ].join(', ')}`,
  ];
  if (!report.ok) {
    lines.push(`  ${count(report.violation_count, 'violation')}:`);
    for (const v of report.violations) {
      const about = [v.transaction_id, v.account, v.currency, v.document].filter(Boolean).join(' ');
      lines.push(`  - ${v.code}${about ? ` [${about}]` : ''}: ${v.detail}`);
    }
    if (report.violation_count > report.violations.length) {
      lines.push(`  … and ${n(report.violation_count - report.violations.length)} more`);
    }
  }
  return lines.join('\n');
}
