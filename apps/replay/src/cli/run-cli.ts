import { parseArgs } from 'node:util';
import type { FlowView } from '../flows/flow-schema';
import type { DryRun, Replay } from '../routes/replay-schemas';
import type { DeadLetterCounts, DeadLetterDetail, DeadLetterSummary } from '../routes/schemas';
import { ApiError, createApiClient } from './api-client';
import { createProgressBar, type ProgressOutput } from './progress-bar';

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: ProgressOutput;
  stderr: { write(text: string): void };
  fetch?: typeof fetch;
  /** Between progress polls; tests shorten it. */
  pollMs?: number;
}

export const USAGE = `usage: pnpm replay <command> [options]

  list      [filters] [--counts] [--limit N] [--cursor C]   dead letters, newest first
  show      <dead-letter-id>                                  one entry, decoded and validated
  trace     <event-id | correlation-id>                       where is my event? every event of its
                                                              flow and each consumer's outcome
  replay    [<id>...] [filters] [--dry-run] [--rate N] [--max-replay-count N]
            [--include-invalid] [--reason TEXT] [--no-wait]   replay by ids or by filter
  replays                                                     the last replays
  status    <replay-id> [--wait]                              a replay's progress
  cancel    <replay-id>                                       cancel a running replay
  discard   [<id>...] [filters] --reason TEXT [--dry-run]     discard parked entries

filters:  --consumer C --event-type T --reason-code R --status S --from ISO --to ISO
common:   --url URL (REPLAY_URL, default http://127.0.0.1:8089)
          --token TOKEN (REPLAY_TOKEN; an operator's Google identity token)
          --json  print the API's JSON`;

const OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  consumer: { type: 'string' },
  'event-type': { type: 'string' },
  'reason-code': { type: 'string' },
  status: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  counts: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  rate: { type: 'string' },
  'max-replay-count': { type: 'string' },
  'include-invalid': { type: 'boolean' },
  reason: { type: 'string' },
  'no-wait': { type: 'boolean' },
  wait: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

const FINISHED = new Set(['completed', 'cancelled', 'failed']);

/** Runs one CLI command against the replay API; resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const print = (text: string) => io.stdout.write(`${text}\n`);
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
    const [command, ...rest] = positionals;
    if (values.help || !command) {
      print(USAGE);
      return command || values.help ? 0 : 2;
    }
    const api = createApiClient({
      url: values.url ?? io.env.REPLAY_URL ?? 'http://127.0.0.1:8089',
      token: values.token ?? io.env.REPLAY_TOKEN,
      fetch: io.fetch,
    });
    const number = (name: string, raw: string | undefined) => {
      if (raw === undefined) return undefined;
      if (!/^\d+$/.test(raw))
        throw new UsageError(`--${name} must be a whole number, got "${raw}"`);
      return Number(raw);
    };
    const filter = Object.fromEntries(
      Object.entries({
        consumer: values.consumer,
        event_type: values['event-type'],
        reason: values['reason-code'],
        from: values.from,
        to: values.to,
      }).filter(([, v]) => v !== undefined),
    ) as Record<string, string>;
    const selection = () => {
      if (rest.length > 0 && Object.keys(filter).length > 0)
        throw new UsageError('give ids or filters, not both');
      if (rest.length > 0) return { ids: rest };
      if (Object.keys(filter).length > 0) return { filter };
      throw new UsageError('name the dead letters: ids, or at least one filter');
    };
    const follow = async (replay: Replay): Promise<number> => {
      const bar = createProgressBar(io.stdout);
      let current = replay;
      bar.update(current);
      while (!FINISHED.has(current.status)) {
        await new Promise((resolve) => setTimeout(resolve, io.pollMs ?? 500));
        current = await api<Replay>('GET', `/v1/replays/${current.id}`);
        bar.update(current);
      }
      bar.done();
      return current.status === 'completed' ? 0 : 3;
    };

    switch (command) {
      case 'list': {
        if (values.counts) {
          const query = new URLSearchParams(
            Object.entries({
              status: values.status,
              event_type: values['event-type'],
              from: values.from,
              to: values.to,
            }).filter((e): e is [string, string] => e[1] !== undefined),
          );
          const counts = await api<DeadLetterCounts>('GET', `/v1/dead-letters/counts?${query}`);
          if (values.json) print(JSON.stringify(counts, null, 2));
          else {
            for (const g of counts.groups)
              print(`${String(g.count).padStart(6)}  ${g.consumer.padEnd(20)} ${g.reason}`);
            print(`${String(counts.total).padStart(6)}  total`);
          }
          return 0;
        }
        const query = new URLSearchParams({
          ...filter,
          ...(values.status ? { status: values.status } : {}),
        });
        if (values.limit) query.set('limit', String(number('limit', values.limit)));
        if (values.cursor) query.set('cursor', values.cursor);
        const page = await api<{ items: DeadLetterSummary[]; next_cursor: string | null }>(
          'GET',
          `/v1/dead-letters?${query}`,
        );
        if (values.json) print(JSON.stringify(page, null, 2));
        else {
          for (const item of page.items) {
            print(
              `${item.id}  ${item.status.padEnd(9)} ${item.consumer.padEnd(18)} ${(item.event_type ?? '-').padEnd(40)} ${item.reason.code.padEnd(28)} ${item.last_seen_at}`,
            );
          }
          if (page.next_cursor) print(`next: --cursor ${page.next_cursor}`);
        }
        return 0;
      }
      case 'trace': {
        const [id] = rest;
        if (!id) throw new UsageError('trace <event-id or correlation-id>');
        const flow = await api<FlowView>('GET', `/v1/flows/${encodeURIComponent(id)}`);
        if (values.json) print(JSON.stringify(flow, null, 2));
        else {
          print(`flow ${flow.correlation_id}`);
          for (const event of flow.events) {
            print('');
            print(
              `${event.committed_at ?? '-'.padEnd(24)}  ${event.event_type}  ${event.event_id}  from ${event.producer ?? 'outside the outbox'}${event.published_at ? '' : '  (not yet published)'}`,
            );
            if (event.trace_url) print(`  trace ${event.trace_url}`);
            for (const consumer of event.consumers) {
              print(
                `  → ${consumer.consumer.padEnd(20)} ${consumer.outcome.replaceAll('_', ' ').padEnd(18)} ${consumer.at ?? ''}${consumer.detail ? `  ${consumer.detail}` : ''}`,
              );
            }
          }
        }
        return 0;
      }
      case 'show': {
        const [id] = rest;
        if (!id) throw new UsageError('show <dead-letter-id>');
        const detail = await api<DeadLetterDetail>('GET', `/v1/dead-letters/${id}`);
        if (values.json) print(JSON.stringify(detail, null, 2));
        else {
          print(`${detail.id}  ${detail.status}  replayed ${detail.replay_count}x`);
          print(`consumer      ${detail.consumer} (${detail.source_subscription})`);
          print(
            `event         ${detail.event_type ?? '-'} ${detail.event_id ?? ''}  correlation ${detail.correlation_id ?? '-'}`,
          );
          print(
            `reason        ${detail.reason.source}: ${detail.reason.code}${detail.reason.delivery_count ? ` after ${detail.reason.delivery_count} deliveries` : ''}`,
          );
          if (detail.reason.detail) print(`              ${detail.reason.detail}`);
          print(
            `seen          ${detail.seen_count}x, first ${detail.first_seen_at}, last ${detail.last_seen_at}`,
          );
          print(`validation    ${detail.validation.ok ? 'valid' : `${detail.validation.code}`}`);
          for (const e of detail.validation.errors)
            print(`              ${e.path || '/'}: ${e.message}`);
          print(`replay        ${detail.dedupe.replay_effect}`);
          print(`data          ${detail.data_bytes} bytes, sha256 ${detail.data_sha256}`);
          if (detail.envelope) print(JSON.stringify(detail.envelope, null, 2));
          else if (detail.data_text !== null) print(detail.data_text.slice(0, 2000));
        }
        return 0;
      }
      case 'replay': {
        const body = {
          ...selection(),
          dry_run: values['dry-run'] ?? false,
          ...(values.rate ? { rate_per_second: number('rate', values.rate) } : {}),
          ...(values['max-replay-count']
            ? { max_replay_count: number('max-replay-count', values['max-replay-count']) }
            : {}),
          ...(values['include-invalid'] ? { include_invalid: true } : {}),
          ...(values.reason ? { reason: values.reason } : {}),
        };
        if (values['dry-run']) {
          const dry = await api<DryRun>('POST', '/v1/replays', body);
          if (values.json) print(JSON.stringify(dry, null, 2));
          else {
            const c = dry.counts;
            print(
              `dry run: ${c.to_move} of ${c.selected} would be republished; ${c.invalid} would fail validation again; ${c.already_applied} already applied (no-op); ${c.skipped} skipped`,
            );
            for (const [reason, n] of Object.entries(dry.skipped))
              if (n > 0) print(`  skipped ${reason}: ${n}`);
            print('nothing was changed');
          }
          return 0;
        }
        const replay = await api<Replay>('POST', '/v1/replays', body);
        if (values.json && values['no-wait']) print(JSON.stringify(replay, null, 2));
        else
          print(
            `replay ${replay.id}: ${replay.counts.to_move} to move at ${replay.rate_per_second}/s`,
          );
        if (values['no-wait']) return 0;
        return follow(replay);
      }
      case 'replays': {
        const page = await api<{ items: Replay[] }>(
          'GET',
          `/v1/replays?limit=${number('limit', values.limit) ?? 20}`,
        );
        if (values.json) print(JSON.stringify(page, null, 2));
        else
          for (const r of page.items)
            print(
              `${r.id}  ${r.status.padEnd(10)} ${r.counts.moved}/${r.counts.to_move} moved  by ${r.created_by}  ${r.created_at}`,
            );
        return 0;
      }
      case 'status': {
        const [id] = rest;
        if (!id) throw new UsageError('status <replay-id>');
        const replay = await api<Replay>('GET', `/v1/replays/${id}`);
        if (values.wait) return follow(replay);
        if (values.json) print(JSON.stringify(replay, null, 2));
        else createProgressBar({ write: io.stdout.write.bind(io.stdout) }).update(replay);
        return 0;
      }
      case 'cancel': {
        const [id] = rest;
        if (!id) throw new UsageError('cancel <replay-id>');
        const replay = await api<Replay>('POST', `/v1/replays/${id}/cancel`);
        print(`replay ${replay.id}: ${replay.status}`);
        return 0;
      }
      case 'discard': {
        if (!values.reason) throw new UsageError('discard needs --reason');
        const result = await api<{ discarded: number; not_parked: number; not_found: number }>(
          'POST',
          '/v1/discards',
          {
            ...selection(),
            reason: values.reason,
            dry_run: values['dry-run'] ?? false,
          },
        );
        if (values.json) print(JSON.stringify(result, null, 2));
        else
          print(
            `${values['dry-run'] ? 'would discard' : 'discarded'} ${result.discarded}; not parked ${result.not_parked}; not found ${result.not_found}`,
          );
        return 0;
      }
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (error) {
    if (error instanceof ApiError) {
      io.stderr.write(`error: ${error.status} ${error.reason}: ${error.detail}\n`);
      for (const field of error.fields) io.stderr.write(`  ${field.pointer}: ${field.detail}\n`);
      return 1;
    }
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      io.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    io.stderr.write(
      `error: ${(error as Error).message}${cause ? ` (${cause}): is --url right?` : ''}\n`,
    );
    return 1;
  }
}
