import type { FlowView } from '../../flows/flow-schema';
import { Layout, STATUS_CLASS } from '../layout';

/** "Where is my event?": the search box every page's header links to. */
export function FlowSearch(props: { value?: string }) {
  return (
    <form method="get" action="/console/flows" id="flow-search">
      <label>
        Where is my event?{' '}
        <input name="id" value={props.value ?? ''} placeholder="event id or correlation id" />
      </label>
      <button type="submit">Find</button>
    </form>
  );
}

/** Every event of a flow and what each catalog consumer did with it. */
export function FlowPage(props: { operator: string; id: string; flow: FlowView | undefined }) {
  const { flow } = props;
  return (
    <Layout title="Where is my event?" operator={props.operator}>
      <FlowSearch value={props.id} />
      {!flow ? (
        <p id="flow-missing">
          Nothing is known of {props.id}: no outbox entry, no delivery, no dead letter.
        </p>
      ) : (
        <>
          <h1>Flow {flow.correlation_id}</h1>
          <table id="flow">
            <thead>
              <tr>
                <th>event</th>
                <th>producer</th>
                <th>committed</th>
                <th>published</th>
                <th>consumer</th>
                <th>outcome</th>
                <th>at</th>
                <th>trace</th>
              </tr>
            </thead>
            <tbody>
              {flow.events.flatMap((event) =>
                (event.consumers.length > 0 ? event.consumers : [undefined]).map(
                  (consumer, index) => (
                    <tr data-event-id={event.event_id} data-consumer={consumer?.consumer ?? ''}>
                      <td>
                        {index === 0 && (
                          <>
                            <strong>{event.event_type}</strong>
                            <br />
                            <code>{event.event_id}</code>
                          </>
                        )}
                      </td>
                      <td>{index === 0 ? (event.producer ?? 'not through an outbox') : ''}</td>
                      <td>{index === 0 ? (event.committed_at ?? '') : ''}</td>
                      <td>
                        {index === 0
                          ? (event.published_at ??
                            (event.committed_at ? 'not yet' : 'not through an outbox'))
                          : ''}
                      </td>
                      <td>{consumer?.consumer ?? 'no consumer'}</td>
                      <td>
                        {consumer && (
                          <span class={STATUS_CLASS(consumer.outcome)}>
                            {consumer.outcome.replaceAll('_', ' ')}
                          </span>
                        )}
                        {consumer?.dead_letter_id && (
                          <>
                            {' '}
                            <a href={`/console/dead-letters/${consumer.dead_letter_id}`}>
                              dead letter
                            </a>
                          </>
                        )}
                        {consumer?.detail && <div class="detail">{consumer.detail}</div>}
                      </td>
                      <td>{consumer?.at ?? ''}</td>
                      <td>
                        {index === 0 && event.trace_url ? <a href={event.trace_url}>trace</a> : ''}
                      </td>
                    </tr>
                  ),
                ),
              )}
            </tbody>
          </table>
        </>
      )}
    </Layout>
  );
}
