import { CONSUMERS } from '@gpuaas/contracts';
import { ENTRY_STATUSES } from '../../domain/entry-status';
import type { Replay } from '../../routes/replay-schemas';
import type { DeadLetterSummary } from '../../routes/schemas';
import type { EntryFilter } from '../../store/entry-queries';
import { Layout, STATUS_CLASS } from '../layout';

export interface OverviewProps {
  operator: string;
  filter: EntryFilter;
  groups: { consumer: string; reason: string; count: number }[];
  items: DeadLetterSummary[];
  nextCursor: string | null;
  replays: Replay[];
  problems: string[];
}

const SELECTION_FIELDS = ['consumer', 'event_type', 'reason', 'from', 'to'] as const;

/** Hidden fields that carry a filter to the dry run (replays select parked entries only). */
export function SelectionFields(props: { filter: EntryFilter }) {
  return (
    <>
      {SELECTION_FIELDS.map((field) =>
        props.filter[field] ? (
          <input type="hidden" name={field} value={props.filter[field]} />
        ) : null,
      )}
    </>
  );
}

export function Overview(props: OverviewProps) {
  const { filter } = props;
  const link = (consumer: string, reason: string) =>
    `/console?${new URLSearchParams({ consumer, reason, status: filter.status ?? 'parked' })}`;
  const more = props.nextCursor
    ? `/console?${new URLSearchParams({ ...(filter as Record<string, string>), cursor: props.nextCursor })}`
    : null;
  const replayable = SELECTION_FIELDS.some((field) => filter[field]);
  return (
    <Layout title="Dead letters" operator={props.operator}>
      <h1>Dead letters</h1>
      {props.problems.map((problem) => (
        <p class="error">{problem}</p>
      ))}
      <h2>By consumer and reason{filter.status ? ` (${filter.status})` : ''}</h2>
      <table id="groups">
        <thead>
          <tr>
            <th>Consumer</th>
            <th>Reason</th>
            <th class="num">Count</th>
          </tr>
        </thead>
        <tbody>
          {props.groups.map((group) => (
            <tr data-consumer={group.consumer} data-reason={group.reason}>
              <td>{group.consumer}</td>
              <td>
                <a href={link(group.consumer, group.reason)}>{group.reason}</a>
              </td>
              <td class="num">{group.count}</td>
            </tr>
          ))}
          {props.groups.length === 0 && (
            <tr>
              <td colspan={3}>No dead letters.</td>
            </tr>
          )}
        </tbody>
      </table>

      <h2>Entries</h2>
      <form class="filters" method="get" action="/console" id="filters">
        <label>
          Consumer
          <select name="consumer">
            <option value="">any</option>
            {CONSUMERS.map((c) => (
              <option value={c} selected={filter.consumer === c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label>
          Event type
          <input name="event_type" value={filter.event_type ?? ''} size={34} />
        </label>
        <label>
          Reason
          <input name="reason" value={filter.reason ?? ''} />
        </label>
        <label>
          Status
          <select name="status">
            <option value="">any</option>
            {ENTRY_STATUSES.map((s) => (
              <option value={s} selected={filter.status === s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Last seen from (UTC)
          <input name="from" value={filter.from ?? ''} placeholder="2026-01-01T00:00:00Z" />
        </label>
        <label>
          to
          <input name="to" value={filter.to ?? ''} placeholder="2026-01-02T00:00:00Z" />
        </label>
        <button type="submit">Filter</button>
        <a href="/console">clear</a>
      </form>
      {replayable && (
        <form method="post" action="/console/replays/dry-run" id="replay-filter">
          <SelectionFields filter={filter} />
          <button type="submit">Dry run a replay of the parked entries matching this filter</button>
        </form>
      )}
      <table id="entries">
        <thead>
          <tr>
            <th>Entry</th>
            <th>Status</th>
            <th>Consumer</th>
            <th>Event type</th>
            <th>Reason</th>
            <th class="num">Seen</th>
            <th class="num">Replays</th>
            <th>Last seen</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((item) => (
            <tr data-entry={item.id}>
              <td>
                <a href={`/console/dead-letters/${item.id}`}>{item.id}</a>
              </td>
              <td>
                <span class={STATUS_CLASS(item.status)}>{item.status}</span>
              </td>
              <td>{item.consumer}</td>
              <td>{item.event_type ?? '—'}</td>
              <td>{item.reason.code}</td>
              <td class="num">{item.seen_count}</td>
              <td class="num">{item.replay_count}</td>
              <td>{item.last_seen_at}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {more && (
        <p>
          <a href={more}>Next page</a>
        </p>
      )}
      <h2>Last replays</h2>
      <ReplayTable replays={props.replays} />
    </Layout>
  );
}

export function ReplayTable(props: { replays: Replay[] }) {
  return (
    <table id="replays">
      <thead>
        <tr>
          <th>Replay</th>
          <th>Status</th>
          <th class="num">Moved</th>
          <th class="num">Failed</th>
          <th>By</th>
          <th>Created</th>
        </tr>
      </thead>
      <tbody>
        {props.replays.map((r) => (
          <tr>
            <td>
              <a href={`/console/replays/${r.id}`}>{r.id}</a>
            </td>
            <td>
              <span class={STATUS_CLASS(r.status)}>{r.status}</span>
            </td>
            <td class="num">
              {r.counts.moved}/{r.counts.to_move}
            </td>
            <td class="num">{r.counts.failed}</td>
            <td>{r.created_by}</td>
            <td>{r.created_at}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
