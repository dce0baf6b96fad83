import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ASYNCAPI_COMMAND,
  ASYNCAPI_FILE,
  buildAsyncApiDocument,
  JSON_SCHEMA_FORMAT,
  messageId,
  receiveOperationId,
  renderAsyncApiDocument,
  sendOperationId,
} from '../src/asyncapi/asyncapi-document';
import { catalog } from '../src/catalog';
import { buildSchemaFiles } from '../src/json-schema/schema-files';
import { PACKAGE_ROOT } from '../src/json-schema/schema-store';

const read = (path: string) => readFileSync(join(PACKAGE_ROOT, path), 'utf8');
const { version } = JSON.parse(read('package.json')) as { version: string };
/** What the other tools read: the committed catalog.json, not the code. */
const catalogFile = JSON.parse(read('catalog.json')) as {
  consumers: string[];
  events: {
    eventType: string;
    producer: string;
    consumers: string[];
    versions: string[];
    schemas: Record<string, string>;
  }[];
};
const committed = read(ASYNCAPI_FILE);

type Parsed = Awaited<ReturnType<Parser['parse']>>;

/** A parsed schema without the ids the parser adds (`x-parser-schema-id`). */
function withoutParserIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutParserIds);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !key.startsWith('x-parser-'))
      .map(([key, inner]) => [key, withoutParserIds(inner)]),
  );
}
let parsed: Parsed;

beforeAll(async () => {
  parsed = await new Parser().parse(committed);
}, 120_000);

describe('asyncapi.json', () => {
  it('is what the catalog generates today', () => {
    const generated = renderAsyncApiDocument(
      buildAsyncApiDocument(buildSchemaFiles(catalog), { version }),
    );
    expect(committed === generated, `${ASYNCAPI_FILE} is stale: run \`${ASYNCAPI_COMMAND}\``).toBe(
      true,
    );
  });

  it('parses with @asyncapi/parser as AsyncAPI 3.0 without errors or warnings', () => {
    const problems = parsed.diagnostics
      .filter((d) => d.severity <= DiagnosticSeverity.Warning)
      .map((d) => `${d.code} ${d.message} at ${d.path.join('.')}`);
    expect(problems).toEqual([]);
    expect(parsed.document).toBeDefined();
    expect(parsed.document?.version()).toBe('3.0.0');
    expect(parsed.document?.info().version()).toBe(version);
    expect(
      parsed.document
        ?.servers()
        .all()
        .map((s) => s.protocol()),
    ).toEqual(['googlepubsub']);
  });

  it('has a channel per topic of catalog.json, and nothing else', () => {
    const addresses = parsed.document
      ?.channels()
      .all()
      .map((c) => c.address());
    expect(addresses).toEqual(catalogFile.events.map((e) => e.eventType));
  });

  it('has a send operation per producer and event, a receive operation per consumer and event', () => {
    const operations = parsed.document?.operations().all() ?? [];
    const seen = operations.map((op) => ({
      id: op.id(),
      action: op.action(),
      participant: op.extensions().get('x-participant')?.value(),
      topics: op
        .channels()
        .all()
        .map((c) => c.address()),
    }));
    const expected = catalogFile.events.flatMap((e) => [
      {
        id: sendOperationId(e.producer, e.eventType),
        action: 'send',
        participant: e.producer,
        topics: [e.eventType],
      },
      ...e.consumers.map((consumer) => ({
        id: receiveOperationId(consumer, e.eventType),
        action: 'receive',
        participant: consumer,
        topics: [e.eventType],
      })),
    ]);
    expect(seen).toEqual(expected);
    // Every producer and every consumer of catalog.json is named.
    const participants = new Set(seen.map((op) => op.participant));
    for (const e of catalogFile.events) expect(participants.has(e.producer), e.producer).toBe(true);
    for (const consumer of catalogFile.consumers)
      expect(participants.has(consumer), consumer).toBe(true);
  });

  it('gives each event version a message whose payload is its exported JSON Schema', () => {
    const messages = parsed.document?.messages().all() ?? [];
    const expected = catalogFile.events.flatMap((e) =>
      e.versions.map((v) => ({ id: messageId(e.eventType, v), file: e.schemas[v] as string })),
    );
    expect(messages.map((m) => m.id())).toEqual(expected.map((m) => m.id));
    for (const { id, file } of expected) {
      const message = messages.find((m) => m.id() === id);
      const {
        $id: _id,
        $schema: _schema,
        ...schema
      } = JSON.parse(read(file)) as Record<string, unknown>;
      expect(message?.schemaFormat(), id).toBe(JSON_SCHEMA_FORMAT);
      // The multi-format payload: the dialect, then the schema the parser read.
      expect(withoutParserIds(message?.payload()?.json()), id).toEqual({
        schemaFormat: JSON_SCHEMA_FORMAT,
        schema,
      });
      expect(message?.contentType(), id).toBe('application/json');
    }
  });

  it('carries the Google Pub/Sub message bindings and the attributes as headers', () => {
    for (const message of parsed.document?.messages().all() ?? []) {
      const binding = message.bindings().get('googlepubsub');
      expect(binding?.version(), message.id()).toBe('0.2.0');
      const eventType = message.name();
      const event = catalogFile.events.find((e) => e.eventType === eventType);
      expect(binding?.value(), message.id()).toEqual({
        attributes: { event_type: eventType, producer: event?.producer },
      });
      expect(Object.keys(message.headers()?.properties() ?? {})).toEqual(
        expect.arrayContaining([
          'event_type',
          'version',
          'event_id',
          'idempotency_key',
          'producer',
        ]),
      );
    }
  });
});
