import type { FieldChange, PlanItem } from './plan';

/** One line per item plus a summary, for people. */
export function formatPlan(items: readonly PlanItem[]): string {
  if (items.length === 0) return 'Nothing to do: the bus matches the catalog.';
  const lines = items.map(planLine);
  const count = (action: PlanItem['action']) =>
    items.filter((item) => item.action === action).length;
  lines.push(
    `Plan: ${count('create')} to create, ${count('update')} to update, ${count('drift')} drifted.`,
  );
  return lines.join('\n');
}

const changeLines = (changes: readonly FieldChange[]): string =>
  changes.map((change) => `    ${change.field}: ${change.actual} -> ${change.desired}`).join('\n');

function planLine(item: PlanItem): string {
  if (item.action === 'update') return `~ subscription ${item.name}\n${changeLines(item.changes)}`;
  if (item.action === 'drift') {
    return `! subscription ${item.name}: ${item.reason}; ${item.consequence}\n${changeLines(item.changes)}`;
  }
  if (item.resource === 'topic') return `+ topic ${item.name}`;
  const { topic, pushEndpoint, servicePath } = item.subscription;
  return `+ subscription ${item.name} (${topic} -> ${pushEndpoint ?? servicePath})`;
}
