import type { EventType } from './catalog';
import type { CatalogEntry } from './catalog-entry';
import { ContractError, type ContractIssue, type ParseErrorCode } from './contract-error';
import type { Envelope } from './envelope';
import { registry } from './registry';
import { upcastPayload, upcastTarget } from './upcast';
import {
  type CompiledEvent,
  compileCatalog,
  envelopeCheck,
  issuesOf,
  resolveVersion,
  type ValidatorRegistry,
} from './validators';

/** The version and payload as published, before an upcaster rewrote them. */
export interface SentPayload {
  version: string;
  payload: unknown;
}

export type ParseResult<T extends string = EventType> =
  | {
      ok: true;
      // biome-ignore lint/suspicious/noExplicitAny: the payload type depends on event_type; narrow with EventOf
      event: Envelope<any> & { event_type: T };
      /** Set only when an upcaster ran: what payloadFingerprint must hash (not `event`). */
      sent?: SentPayload;
    }
  | { ok: false; error: ContractError };

export interface ParseEnvelopeOptions<T extends string = EventType> {
  /** Majors this consumer handles, per event type; default: every major in the catalog. */
  accept?: Partial<Record<T, readonly number[]>>;
}

export type ParseEnvelope<T extends string = EventType> = (
  data: unknown,
  options?: ParseEnvelopeOptions<T>,
) => ParseResult<T>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function fail(code: ParseErrorCode, issues: ContractIssue[]): { ok: false; error: ContractError } {
  return { ok: false, error: new ContractError(code, issues) };
}

/** JSON text (string or UTF-8 bytes) is parsed; anything else is taken as already parsed. */
function isJsonText(data: unknown): data is string | Uint8Array | ArrayBuffer {
  return typeof data === 'string' || data instanceof Uint8Array || data instanceof ArrayBuffer;
}

/** Builds a parser over a catalog (tests use their own); validators compile here, once. */
export function createEnvelopeParser<C extends { readonly [T in keyof C]: CatalogEntry }>(
  source: C,
): ParseEnvelope<keyof C & string> {
  return parserOver(compileCatalog(source));
}

function parserOver<T extends string>(events: ValidatorRegistry): ParseEnvelope<T> {
  function accepted(compiled: CompiledEvent, options: ParseEnvelopeOptions<T> | undefined) {
    return options?.accept?.[compiled.entry.eventType as T] ?? compiled.majors;
  }

  // Classifies a message the fast path did not accept, in the order of ParseErrorCode.
  function parseSlowly(
    value: object,
    options: ParseEnvelopeOptions<T> | undefined,
  ): ParseResult<T> {
    if (!envelopeCheck.Check(value))
      return fail('envelope_invalid', issuesOf(envelopeCheck, value));
    const compiled = events.get(value.event_type);
    if (compiled === undefined) {
      return fail('unknown_event_type', [
        { path: '/event_type', message: `unknown event type ${value.event_type}` },
      ]);
    }
    const source = resolveVersion(compiled, value.version);
    const majors = accepted(compiled, options);
    const target =
      source === undefined
        ? undefined
        : upcastTarget(source.major, majors, compiled.entry.upcasters);
    if (source === undefined || target === undefined) {
      return fail('unsupported_major', [
        {
          path: '/version',
          message: `version ${value.version} of ${value.event_type} is not handled here (majors: ${majors.join(', ') || 'none'})`,
        },
      ]);
    }
    if (!source.payload.Check(value.payload)) {
      return fail('payload_invalid', issuesOf(source.payload, value.payload, '/payload'));
    }
    if (target === source.major) {
      return { ok: true, event: value as Envelope & { event_type: T } };
    }
    const latest = compiled.byMajor.get(target);
    let payload: unknown;
    try {
      payload = upcastPayload(value.payload, source.major, target, compiled.entry.upcasters);
    } catch (error) {
      return fail('payload_invalid', [
        {
          path: '/payload',
          message: `upcast to major ${target} failed: ${(error as Error).message}`,
        },
      ]);
    }
    if (latest === undefined || !latest.payload.Check(payload)) {
      const issues = latest === undefined ? [] : issuesOf(latest.payload, payload, '/payload');
      return fail('payload_invalid', [
        { path: '/payload', message: `upcast to major ${target} produced an invalid payload` },
        ...issues,
      ]);
    }
    const event = { ...value, version: latest.version, payload } as Envelope & { event_type: T };
    return { ok: true, event, sent: { version: value.version, payload: value.payload } };
  }

  return function parseEnvelope(data, options) {
    let value = data;
    if (isJsonText(data)) {
      try {
        value = JSON.parse(typeof data === 'string' ? data : utf8.decode(data));
      } catch (error) {
        return fail('not_json', [{ path: '', message: (error as Error).message }]);
      }
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return fail('not_object', [{ path: '', message: 'an event must be a JSON object' }]);
    }
    // Fast path: one compiled check picked by (event_type, version); errors only when it fails.
    const { event_type: eventType, version } = value as { event_type?: unknown; version?: unknown };
    const compiled = typeof eventType === 'string' ? events.get(eventType) : undefined;
    const checked =
      compiled !== undefined && typeof version === 'string'
        ? resolveVersion(compiled, version)
        : undefined;
    if (
      compiled !== undefined &&
      checked !== undefined &&
      accepted(compiled, options).includes(checked.major) &&
      checked.event.Check(value)
    ) {
      return { ok: true, event: value as Envelope & { event_type: T } };
    }
    return parseSlowly(value, options);
  };
}

/** Parses and validates one event against the catalog (see createEnvelopeParser). */
export const parseEnvelope: ParseEnvelope<EventType> = parserOver(registry);
