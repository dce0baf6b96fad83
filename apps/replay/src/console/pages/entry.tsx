import type { DeadLetterDetail } from '../../routes/schemas';
import { Layout, STATUS_CLASS } from '../layout';

export function EntryPage(props: {
  operator: string;
  entry: DeadLetterDetail;
  repairErrors?: string[];
  repairText?: string;
}) {
  const { entry } = props;
  const payload =
    props.repairText ??
    JSON.stringify((entry.envelope as { payload?: unknown } | null)?.payload ?? {}, null, 2);
  return (
    <Layout title={entry.id} operator={props.operator}>
      <h1>
        {entry.id}{' '}
        <span class={STATUS_CLASS(entry.status)} id="entry-status">
          {entry.status}
        </span>
      </h1>
      <div class="card">
        <dl>
          <dt>Consumer</dt>
          <dd>
            {entry.consumer} ({entry.source_subscription})
          </dd>
          <dt>Event</dt>
          <dd>
            {entry.event_type ?? '—'} {entry.event_id ?? ''}
          </dd>
          <dt>Correlation</dt>
          <dd>
            {entry.correlation_id ? (
              <a
                id="correlation-flow"
                href={`/console/flows?${new URLSearchParams({ id: entry.correlation_id })}`}
              >
                {entry.correlation_id}
              </a>
            ) : (
              '—'
            )}
          </dd>
          <dt>Reason</dt>
          <dd id="reason">
            {entry.reason.source}: {entry.reason.code}
            {entry.reason.delivery_count ? ` after ${entry.reason.delivery_count} deliveries` : ''}
            {entry.reason.detail ? ` — ${entry.reason.detail}` : ''}
          </dd>
          <dt>Seen</dt>
          <dd>
            {entry.seen_count}× (first {entry.first_seen_at}, last {entry.last_seen_at})
          </dd>
          <dt>Replayed</dt>
          <dd>
            {entry.replay_count}×
            {entry.last_replay
              ? ` (last ${entry.last_replay.replay_id} by ${entry.last_replay.by})`
              : ''}
          </dd>
          <dt>Safe to replay until</dt>
          <dd>{entry.replay_deadline}</dd>
          <dt>Validation</dt>
          <dd id="validation" class={entry.validation.ok ? 'ok' : 'error'}>
            {entry.validation.ok
              ? 'valid under the consumer’s current schema'
              : entry.validation.code}
          </dd>
          <dt>At the consumer</dt>
          <dd id="replay-effect">{entry.dedupe.replay_effect}</dd>
        </dl>
        {!entry.validation.ok && (
          <ul class="error" id="validation-errors">
            {entry.validation.errors.map((e) => (
              <li>
                {e.path || '/'}: {e.message}
              </li>
            ))}
          </ul>
        )}
      </div>
      <h2>Attributes</h2>
      <div class="card">
        <AttributeList id="attributes" title="As published" values={entry.attributes} />
        <AttributeList
          id="dead-letter-attributes"
          title="Added by the dead-lettering"
          values={entry.dead_letter_attributes}
        />
      </div>
      <h2>Payload{entry.current_revision > 0 ? ` (revision ${entry.current_revision})` : ''}</h2>
      <pre id="payload">
        {entry.envelope !== null
          ? JSON.stringify(entry.envelope, null, 2)
          : (entry.data_text ?? `(${entry.data_bytes} bytes, not UTF-8)`)}
      </pre>
      {entry.status === 'parked' && (
        <div class="actions">
          <form method="post" action="/console/replays/dry-run" class="card" id="replay-form">
            <h2>Replay</h2>
            <input type="hidden" name="ids" value={entry.id} />
            <p>A dry run first: nothing changes until you confirm.</p>
            <button type="submit">Dry run</button>
          </form>
          <form
            method="post"
            action={`/console/dead-letters/${entry.id}/repair`}
            class="card"
            id="repair-form"
          >
            <h2>Repair and resubmit</h2>
            <textarea name="payload_json">{payload}</textarea>
            {props.repairErrors && (
              <ul class="error" id="repair-errors">
                {props.repairErrors.map((e) => (
                  <li>{e}</li>
                ))}
              </ul>
            )}
            <label>
              Why
              <input name="why" required />
            </label>
            <p>
              <button type="submit">Validate, keep as a new version and replay</button>
            </p>
          </form>
          <form
            method="post"
            action={`/console/dead-letters/${entry.id}/discard`}
            class="card"
            id="discard-form"
          >
            <h2>Discard</h2>
            <label>
              Why
              <input name="why" required />
            </label>
            <p>
              <button type="submit" class="danger">
                Discard
              </button>
            </p>
          </form>
        </div>
      )}
      {entry.discard && (
        <p class="card">
          Discarded by {entry.discard.by} at {entry.discard.at}: {entry.discard.reason}
        </p>
      )}
      <h2>History</h2>
      <table id="history">
        <tbody>
          {entry.history.map((item) => (
            <tr>
              <td>{item.at}</td>
              <td>{item.kind}</td>
              <td>{item.by ?? ''}</td>
              <td>
                {[
                  item.reason_code,
                  item.replay_id,
                  item.revision !== undefined ? `revision ${item.revision}` : undefined,
                  item.detail,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {entry.revisions.length > 0 && (
        <>
          <h2>Versions</h2>
          <table id="revisions">
            <tbody>
              <tr>
                <td>
                  <a href={`/v1/dead-letters/${entry.id}/data`}>original</a>
                </td>
                <td>as it was dead-lettered</td>
                <td />
              </tr>
              {entry.revisions.map((r) => (
                <tr>
                  <td>
                    <a href={`/v1/dead-letters/${entry.id}/data?revision=${r.revision}`}>
                      revision {r.revision}
                    </a>
                  </td>
                  <td>
                    {r.created_by} at {r.created_at}: {r.reason}
                  </td>
                  <td>{r.event_id}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Layout>
  );
}

/** A message's attributes, by name; JSX escapes every key and value. */
function AttributeList(props: { id: string; title: string; values: Record<string, string> }) {
  const names = Object.keys(props.values).sort();
  return (
    <>
      <h3>{props.title}</h3>
      {names.length === 0 ? (
        <p>none</p>
      ) : (
        <dl id={props.id}>
          {names.map((name) => (
            <>
              <dt>
                <code>{name}</code>
              </dt>
              <dd>
                <code>{props.values[name]}</code>
              </dd>
            </>
          ))}
        </dl>
      )}
    </>
  );
}
