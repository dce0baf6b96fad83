import { canonicalSchema } from '../json-schema/canonical-json';
import { CATALOG_FILE, ENVELOPE_FILE, type SchemaFileSet } from '../json-schema/schema-files';
import { compareVersions, parseVersion } from '../version';
import type { CompatFinding } from './compat-finding';
import { diffSchemas } from './schema-diff';

const EVENT_FILE = /^schemas\/([^/]+)\/(\d+\.\d+)\.json$/;

interface EventFile {
  eventType: string;
  version: string;
  major: number;
}

function eventFile(path: string): EventFile | undefined {
  const match = EVENT_FILE.exec(path);
  const parts = match === null ? undefined : parseVersion(match[2] as string);
  if (match === null || parts === undefined) return undefined;
  return { eventType: match[1] as string, version: match[2] as string, major: parts.major };
}

function at(file: string, findings: CompatFinding[]): CompatFinding[] {
  return findings.map((finding) => ({ ...finding, path: `${file}#${finding.path}` }));
}

function unchanged(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonicalSchema(a)) === JSON.stringify(canonicalSchema(b));
}

type CatalogJson = { events?: { eventType: string; idempotencyKey: string[] }[] };

/**
 * Compares the schemas the code produces (`current`) with the committed snapshots: published
 * files are immutable, and a new minor must be compatible with the minor before it.
 */
export function checkCompat(snapshots: SchemaFileSet, current: SchemaFileSet): CompatFinding[] {
  const findings: CompatFinding[] = [];

  for (const [file, published] of Object.entries(snapshots)) {
    if (file === CATALOG_FILE) continue;
    if (!(file in current)) {
      findings.push({
        path: file,
        kind: 'version_removed',
        detail: 'a published version is gone; retire it by deleting the snapshot deliberately',
      });
      continue;
    }
    if (unchanged(published, current[file])) continue;
    const edit =
      file === ENVELOPE_FILE ? 'the envelope is fixed by EVENTS.md' : 'add a new version instead';
    findings.push({ path: file, kind: 'published_schema_changed', detail: `published; ${edit}` });
    findings.push(...at(file, diffSchemas(published, current[file])));
  }

  const versionsOf = new Map<string, string[]>();
  for (const file of new Set([...Object.keys(snapshots), ...Object.keys(current)])) {
    const parsed = eventFile(file);
    if (parsed === undefined) continue;
    versionsOf.set(parsed.eventType, [...(versionsOf.get(parsed.eventType) ?? []), parsed.version]);
  }
  for (const file of Object.keys(current)) {
    const added = eventFile(file);
    if (added === undefined || file in snapshots) continue;
    const previous = (versionsOf.get(added.eventType) ?? [])
      .filter(
        (v) => parseVersion(v)?.major === added.major && compareVersions(v, added.version) < 0,
      )
      .sort(compareVersions)
      .at(-1);
    if (previous === undefined) continue;
    const previousFile = `schemas/${added.eventType}/${previous}.json`;
    const breaking = diffSchemas(snapshots[previousFile] ?? current[previousFile], current[file]);
    for (const finding of at(file, breaking)) {
      findings.push({
        ...finding,
        detail: `${finding.detail} (breaking against ${previous}: publish it as ${added.major + 1}.0)`,
      });
    }
  }

  const before = (snapshots[CATALOG_FILE] as CatalogJson | undefined)?.events ?? [];
  const after = new Map(
    ((current[CATALOG_FILE] as CatalogJson | undefined)?.events ?? []).map((e) => [e.eventType, e]),
  );
  for (const event of before) {
    const now = after.get(event.eventType);
    if (now !== undefined && now.idempotencyKey.join() !== event.idempotencyKey.join()) {
      findings.push({
        path: `${CATALOG_FILE}#/${event.eventType}/idempotencyKey`,
        kind: 'idempotency_key_changed',
        detail: `${event.idempotencyKey.join('+')} -> ${now.idempotencyKey.join('+')}: consumers would dedupe the same event twice`,
      });
    }
  }
  return findings;
}
