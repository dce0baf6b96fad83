import { CONSUMERS, isRfc3339Utc } from '@gpuaas/contracts';
import { type Principals, ProblemError } from '@gpuaas/http-api';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { operatorAccess } from '../access/operator-access';
import type { ReplayContext } from '../app-context';
import { summaryOf } from '../browse/views';
import { ENTRY_STATUSES } from '../domain/entry-status';
import { discardEntries } from '../replays/discard';
import { cancelReplay, getReplay, startReplay } from '../replays/operations';
import { repairEntry } from '../replays/repair';
import { dryRunView, replayView } from '../replays/replay-view';
import { deadLetterDetail } from '../routes/get-dead-letter';
import { flowView } from '../routes/get-flow';
import type { EntryFilter } from '../store/entry-queries';
import { CONSOLE_CSS, HTMX } from './assets';
import { ErrorPage, Layout } from './layout';
import { EntryPage } from './pages/entry';
import { FlowPage } from './pages/flow';
import { Overview, ReplayTable } from './pages/overview';
import { DryRunPage, ReplayPage, ReplayProgress } from './pages/replay';

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const FILTER_FIELDS = ['consumer', 'event_type', 'reason', 'status', 'from', 'to'] as const;

/** A filter from a query string or a form, with a readable problem for each bad field. */
function readFilter(values: Record<string, string | undefined>): {
  filter: EntryFilter;
  problems: string[];
} {
  const filter: EntryFilter = {};
  const problems: string[] = [];
  for (const field of FILTER_FIELDS) {
    const value = values[field]?.trim();
    if (!value) continue;
    if (field === 'consumer' && !(CONSUMERS as readonly string[]).includes(value)) {
      problems.push(`unknown consumer ${value}`);
    } else if (field === 'status' && !(ENTRY_STATUSES as readonly string[]).includes(value)) {
      problems.push(`unknown status ${value}`);
    } else if ((field === 'from' || field === 'to') && !isRfc3339Utc(value)) {
      problems.push(`${field} must be an RFC 3339 UTC time such as 2026-01-01T00:00:00Z`);
    } else filter[field] = value.slice(0, 256);
  }
  return { filter, problems };
}

/**
 * A POST from another site is refused: behind `gcloud run services proxy` the browser's requests
 * carry the operator's token whoever made them, so the console must check who sent the form.
 */
const sameOrigin: MiddlewareHandler = async (c, next) => {
  const site = c.req.header('sec-fetch-site');
  const origin = c.req.header('origin');
  const host = c.req.header('host');
  const foreign =
    (site !== undefined && site !== 'same-origin' && site !== 'none') ||
    (origin !== undefined &&
      origin !== 'null' &&
      host !== undefined &&
      new URL(origin).host !== host);
  if (foreign) return c.text('cross-site request refused', 403);
  await next();
};

const formValues = async (c: Context) => {
  const body = await c.req.parseBody({ all: true });
  const single: Record<string, string> = {};
  const ids: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    const values = (Array.isArray(value) ? value : [value]).filter(
      (v): v is string => typeof v === 'string',
    );
    if (key === 'ids') ids.push(...values.flatMap((v) => v.split(/[\s,]+/)).filter(Boolean));
    else if (values[0] !== undefined) single[key] = values[0];
  }
  return { single, ids };
};

/** The operator console: server-rendered pages on the same operations as the API. */
export function consoleApp(ctx: ReplayContext, principals: Principals): Hono {
  const app = new Hono();
  app.get('/assets/htmx.min.js', (c) =>
    c.body(HTMX, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'max-age=3600',
    }),
  );
  app.get('/assets/console.css', (c) =>
    c.body(CONSOLE_CSS, 200, {
      'content-type': 'text/css; charset=utf-8',
      'cache-control': 'max-age=3600',
    }),
  );
  app.use('*', async (c, next) => {
    await next();
    c.header('content-security-policy', CSP);
    c.header('cache-control', 'no-store');
  });
  app.use(
    '*',
    operatorAccess({
      principals,
      denied: (c, problem) =>
        c.html(
          <ErrorPage
            operator="nobody"
            status={problem.status}
            detail={problem.status === 401 ? 'an operator identity is required' : 'not allowed'}
          />,
          problem.status as 401,
          problem.headers,
        ),
    }),
  );
  app.post('*', sameOrigin);
  app.onError((error, c) => {
    const operator = c.get('operator')?.email ?? 'nobody';
    if (error instanceof ProblemError) {
      return c.html(
        <ErrorPage
          operator={operator}
          status={error.status}
          detail={error.detail}
          errors={error.errors?.map((e) => `${e.pointer}: ${e.detail}`)}
        />,
        error.status as 400,
      );
    }
    ctx.runtime.logger.error({ err: error, path: c.req.path }, 'console page failed');
    return c.html(
      <ErrorPage operator={operator} status={500} detail="something went wrong; it was logged" />,
      500,
    );
  });

  app.get('/', async (c) => {
    const { filter, problems } = readFilter(c.req.query());
    const cursor = c.req.query('cursor');
    const [groups, page, replays] = await Promise.all([
      ctx.queries.counts({
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.event_type ? { event_type: filter.event_type } : {}),
      }),
      ctx.queries.list(filter, { limit: 50, ...(cursor ? { cursor } : {}) }),
      ctx.replays.list({ limit: 10 }),
    ]);
    return c.html(
      <Overview
        operator={c.get('operator').email}
        filter={filter}
        groups={groups}
        items={page.items.map(summaryOf)}
        nextCursor={page.next_cursor}
        replays={replays.items.map(replayView)}
        problems={problems}
      />,
    );
  });

  app.get('/flows', async (c) => {
    const id = c.req.query('id')?.trim().slice(0, 512) ?? '';
    const flow =
      id === ''
        ? undefined
        : await flowView(ctx, id).catch((error: unknown) => {
            if (error instanceof ProblemError && error.status === 404) return undefined;
            throw error;
          });
    return c.html(<FlowPage operator={c.get('operator').email} id={id} flow={flow} />);
  });

  app.get('/dead-letters/:id', async (c) => {
    const entry = await deadLetterDetail(ctx, c.req.param('id'));
    return c.html(<EntryPage operator={c.get('operator').email} entry={entry} />);
  });

  app.post('/replays/dry-run', async (c) => {
    const { single, ids } = await formValues(c);
    const { filter } = readFilter({ ...single, status: undefined });
    const started = await startReplay(
      ctx,
      { ...(ids.length ? { ids } : { filter }), dryRun: true },
      c.get('operator').email,
    );
    if (started.kind !== 'dry_run') throw new Error('a dry run started a replay');
    return c.html(
      <DryRunPage
        operator={c.get('operator').email}
        dryRun={dryRunView(started.plan)}
        ids={ids}
        filter={ids.length ? {} : filter}
        defaultRate={ctx.config.replay.defaultRatePerSecond}
      />,
    );
  });

  app.post('/replays', async (c) => {
    const { single, ids } = await formValues(c);
    const { filter } = readFilter({ ...single, status: undefined });
    const rate = single.rate_per_second?.trim();
    if (rate !== undefined && rate !== '' && !/^\d+$/.test(rate)) {
      throw new ProblemError(
        400,
        'validation_failed',
        'messages per second must be a whole number',
      );
    }
    const started = await startReplay(
      ctx,
      {
        ...(ids.length ? { ids } : { filter }),
        ...(rate ? { ratePerSecond: Number(rate) } : {}),
        ...(single.why ? { reason: single.why.slice(0, 500) } : {}),
      },
      c.get('operator').email,
    );
    if (started.kind !== 'replay') throw new Error('a replay came back as a dry run');
    return c.redirect(`/console/replays/${started.replay.id}`, 303);
  });

  app.get('/replays', async (c) => {
    const page = await ctx.replays.list({ limit: 50 });
    return c.html(
      <Layout title="Replays" operator={c.get('operator').email}>
        <h1>Replays</h1>
        <ReplayTable replays={page.items.map(replayView)} />
      </Layout>,
    );
  });

  app.get('/replays/:id', async (c) => {
    const replay = replayView(await getReplay(ctx, c.req.param('id')));
    return c.html(<ReplayPage operator={c.get('operator').email} replay={replay} />);
  });

  app.get('/replays/:id/progress', async (c) => {
    const replay = replayView(await getReplay(ctx, c.req.param('id')));
    return c.html(<ReplayProgress replay={replay} />);
  });

  app.post('/replays/:id/cancel', async (c) => {
    const replay = await cancelReplay(ctx, c.req.param('id'), c.get('operator').email);
    return c.redirect(`/console/replays/${replay.id}`, 303);
  });

  app.post('/dead-letters/:id/repair', async (c) => {
    const id = c.req.param('id');
    const { single } = await formValues(c);
    try {
      const repaired = await repairEntry(
        ctx,
        id,
        {
          payloadJson: single.payload_json ?? '',
          reason: (single.why ?? '').slice(0, 500) || 'repaired in the console',
          replay: true,
        },
        c.get('operator').email,
      );
      return c.redirect(
        repaired.replay ? `/console/replays/${repaired.replay.id}` : `/console/dead-letters/${id}`,
        303,
      );
    } catch (error) {
      if (!(error instanceof ProblemError) || error.status !== 400) throw error;
      const entry = await deadLetterDetail(ctx, id);
      const errors = error.errors?.map((e) => e.detail) ?? [error.detail];
      return c.html(
        <EntryPage
          operator={c.get('operator').email}
          entry={entry}
          repairErrors={[error.detail, ...errors]}
          repairText={single.payload_json}
        />,
        400,
      );
    }
  });

  app.post('/dead-letters/:id/discard', async (c) => {
    const id = c.req.param('id');
    const { single } = await formValues(c);
    const reason = single.why?.trim();
    if (!reason) throw new ProblemError(400, 'validation_failed', 'a discard needs a reason');
    await discardEntries(
      ctx,
      { ids: [id], reason: reason.slice(0, 500), dryRun: false },
      c.get('operator').email,
    );
    return c.redirect(`/console/dead-letters/${id}`, 303);
  });

  app.get('/audit', async (c) => {
    const page = await ctx.audit.list({ limit: 100 });
    return c.html(
      <Layout title="Audit" operator={c.get('operator').email}>
        <h1>Audit</h1>
        <table id="audit">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>What</th>
              <th>Replay</th>
              <th class="num">Entries</th>
              <th>Filter</th>
              <th>Counts</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((a) => (
              <tr>
                <td>{a.at.toDate().toISOString()}</td>
                <td>{a.actor}</td>
                <td>{a.action}</td>
                <td>{a.replay_id ?? ''}</td>
                <td class="num">{a.entry_count}</td>
                <td>{a.filter ? JSON.stringify(a.filter) : ''}</td>
                <td>{a.counts ? JSON.stringify(a.counts) : ''}</td>
                <td>{a.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Layout>,
    );
  });
  return app;
}
