import type { DryRun, Replay } from '../../routes/replay-schemas';
import type { EntryFilter } from '../../store/entry-queries';
import { Layout, STATUS_CLASS } from '../layout';
import { SelectionFields } from './overview';

export function DryRunPage(props: {
  operator: string;
  dryRun: DryRun;
  ids: string[];
  filter: EntryFilter;
  defaultRate: number;
}) {
  const { counts } = props.dryRun;
  return (
    <Layout title="Dry run" operator={props.operator}>
      <h1>Dry run: nothing has changed</h1>
      <div class="card" id="dry-run">
        <p>
          <strong id="to-move">{counts.to_move}</strong> of {counts.selected} would be republished;{' '}
          <strong id="invalid">{counts.invalid}</strong> would fail validation again;{' '}
          <strong id="already-applied">{counts.already_applied}</strong> already applied (a no-op);{' '}
          {counts.skipped} skipped.
        </p>
        <ul>
          {Object.entries(props.dryRun.skipped)
            .filter(([, n]) => n > 0)
            .map(([reason, n]) => (
              <li>
                skipped {reason}: {n}
              </li>
            ))}
        </ul>
      </div>
      <table id="plan">
        <thead>
          <tr>
            <th>Entry</th>
            <th>Action</th>
            <th>Validation</th>
            <th>At the consumer</th>
          </tr>
        </thead>
        <tbody>
          {props.dryRun.entries.map((e) => (
            <tr>
              <td>
                <a href={`/console/dead-letters/${e.id}`}>{e.id}</a>
              </td>
              <td>{e.action === 'skip' ? `skip (${e.skip_reason})` : 'republish'}</td>
              <td>{e.validation ?? 'valid'}</td>
              <td>{e.standing}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {counts.to_move > 0 && (
        <form method="post" action="/console/replays" class="card" id="confirm-form">
          {props.ids.map((id) => (
            <input type="hidden" name="ids" value={id} />
          ))}
          <SelectionFields filter={props.filter} />
          <label>
            Messages per second
            <input name="rate_per_second" value={String(props.defaultRate)} size={6} />
          </label>
          <label>
            Why
            <input name="why" />
          </label>
          <p>
            <button type="submit">Replay {counts.to_move} now</button>
          </p>
        </form>
      )}
    </Layout>
  );
}

const ACTIVE = new Set(['running', 'cancelling']);

/** The live part of a replay page; polls itself while the replay runs. */
export function ReplayProgress(props: { replay: Replay }) {
  const { replay } = props;
  const live = ACTIVE.has(replay.status);
  return (
    <div
      id="progress"
      class="card"
      data-status={replay.status}
      {...(live
        ? {
            'hx-get': `/console/replays/${replay.id}/progress`,
            'hx-trigger': 'every 1s',
            'hx-swap': 'outerHTML',
          }
        : {})}
    >
      <p>
        <span class={STATUS_CLASS(replay.status)} id="replay-status">
          {replay.status}
        </span>
        {replay.status_reason ? ` — ${replay.status_reason}` : ''}
      </p>
      {/* A progress element, not a styled width: the page's CSP allows no inline styles. */}
      <progress class="bar" max={100} value={Math.round(replay.progress * 100)} />
      <p id="counts">
        {replay.counts.moved} of {replay.counts.to_move} moved, {replay.counts.failed} failed,{' '}
        {replay.counts.skipped} skipped ({replay.rate_per_second}/s)
      </p>
      {live && (
        <form method="post" action={`/console/replays/${replay.id}/cancel`}>
          <button type="submit" class="secondary">
            Cancel
          </button>
        </form>
      )}
      {live && (
        <noscript>
          <a href={`/console/replays/${replay.id}`}>Refresh</a>
        </noscript>
      )}
    </div>
  );
}

export function ReplayPage(props: { operator: string; replay: Replay }) {
  const { replay } = props;
  return (
    <Layout title={replay.id} operator={props.operator}>
      <h1>Replay {replay.id}</h1>
      <p>
        By {replay.created_by} at {replay.created_at}
        {replay.reason ? `: ${replay.reason}` : ''}
        {replay.repair
          ? ` (repair, revision ${replay.repair.revision} of ${replay.repair.entry_id})`
          : ''}
      </p>
      <ReplayProgress replay={replay} />
    </Layout>
  );
}
