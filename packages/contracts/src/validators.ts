import { FormatRegistry, type TObject, Type } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import type { CatalogEntry } from './catalog-entry';
import type { ContractIssue } from './contract-error';
import { Envelope, eventSchema } from './envelope';
import { isValidEventName } from './event-name';
import { compareVersions, parseVersion } from './version';

export interface CompiledVersion {
  readonly version: string;
  readonly major: number;
  readonly payload: TypeCheck<TObject>;
  /** Envelope and payload in one check: the parse fast path runs only this. */
  readonly event: TypeCheck<TObject>;
}

export interface CompiledEvent {
  readonly entry: CatalogEntry;
  /** Every version the catalog declares (what a producer may send). */
  readonly byVersion: ReadonlyMap<string, CompiledVersion>;
  /** Highest known minor per major: where every message of that major is checked. */
  readonly byMajor: ReadonlyMap<number, CompiledVersion>;
  /** Ascending. */
  readonly majors: readonly number[];
}

export type ValidatorRegistry = ReadonlyMap<string, CompiledEvent>;

FormatRegistry.Set('event-name', isValidEventName);

// The exported envelope keeps its `pattern`; compiled, TypeBox would run it as a regex that
// overflows V8's stack on a multi-megabyte event_type, so here the same rule runs as a scan.
const EnvelopeChecked = Type.Object(
  { ...Envelope.properties, event_type: Type.String({ format: 'event-name' }) },
  { additionalProperties: false },
);

export const envelopeCheck: TypeCheck<typeof EnvelopeChecked> =
  TypeCompiler.Compile(EnvelopeChecked);

/** Compiles every version of every event once; call at module load, never per message. */
export function compileCatalog(catalog: {
  readonly [type: string]: CatalogEntry;
}): ValidatorRegistry {
  const registry = new Map<string, CompiledEvent>();
  for (const [eventType, entry] of Object.entries(catalog)) {
    const byVersion = new Map<string, CompiledVersion>();
    const byMajor = new Map<number, CompiledVersion>();
    const versions = Object.keys(entry.versions).sort(compareVersions);
    for (const version of versions) {
      const parts = parseVersion(version);
      const schema = entry.versions[version];
      if (parts === undefined || schema === undefined) {
        throw new RangeError(`${eventType}: version key ${version} is not MAJOR.MINOR`);
      }
      const compiled: CompiledVersion = {
        version,
        major: parts.major,
        payload: TypeCompiler.Compile(schema),
        event: TypeCompiler.Compile(eventSchema(eventType, version, schema)),
      };
      byVersion.set(version, compiled);
      byMajor.set(parts.major, compiled);
    }
    registry.set(eventType, { entry, byVersion, byMajor, majors: [...byMajor.keys()] });
  }
  return registry;
}

/**
 * The schema a message of `version` is checked against: the highest known minor of its major,
 * whether its own minor is older, the same or unknown. Minors only add optional fields, so it
 * accepts whatever an older minor accepts, and a field a later minor declares is held to that
 * declaration even in a message naming an older minor: the payload a consumer gets is always of
 * the type of the latest minor. Undefined when no minor of the major is known.
 */
export function resolveVersion(
  compiled: CompiledEvent,
  version: string,
): CompiledVersion | undefined {
  const major = compiled.byVersion.get(version)?.major ?? parseVersion(version)?.major;
  return major === undefined ? undefined : compiled.byMajor.get(major);
}

/** TypeBox errors as issues under `prefix` (a JSON pointer), one per path. */
export function issuesOf(check: TypeCheck<TObject>, value: unknown, prefix = ''): ContractIssue[] {
  const issues: ContractIssue[] = [];
  const seen = new Set<string>();
  for (const error of check.Errors(value)) {
    const path = prefix + error.path;
    if (seen.has(path)) continue;
    seen.add(path);
    issues.push({ path, message: error.message });
  }
  return issues;
}
