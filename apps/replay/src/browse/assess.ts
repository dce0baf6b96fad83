import { isEventType } from '@gpuaas/contracts';
import {
  type DedupeStanding,
  dedupeStanding,
  type LetterValidation,
  validateLetter,
} from '../domain/letter-validation';
import type { DataStore } from '../store/data-store';
import type { DeadLetterRecord, StoredData } from '../store/dead-letter-record';
import type { EntryQueries } from '../store/entry-queries';

/** What a replay of an entry would meet at its consumer today. */
export interface Assessment {
  validation: LetterValidation;
  standing: DedupeStanding | 'unknown';
}

/** The bytes a replay sends: the current revision (a repair), else the original. */
export function sentData(record: DeadLetterRecord): StoredData {
  if (record.current_revision === 0) return record.data;
  return record.revisions.find((r) => r.revision === record.current_revision)?.data ?? record.data;
}

const DEDUPE_READS = 300;

/** Validation against the consumer's current schema and its dedupe record, for many entries. */
export async function assessEntries(
  records: readonly DeadLetterRecord[],
  stores: { data: DataStore; queries: EntryQueries },
): Promise<Assessment[]> {
  const validations = await Promise.all(
    records.map(async (record) => {
      const data = await stores.data.get(record.id, sentData(record));
      const eventType = record.topic && isEventType(record.topic) ? record.topic : null;
      return validateLetter(data, record.consumer, eventType);
    }),
  );
  const wanted = validations.flatMap((v, index) => (v.ok ? [{ index, recordId: v.recordId }] : []));
  const standings = new Map<number, DedupeStanding>();
  for (let start = 0; start < wanted.length; start += DEDUPE_READS) {
    const slice = wanted.slice(start, start + DEDUPE_READS);
    const found = await stores.queries.dedupeRecords(slice.map((w) => w.recordId));
    slice.forEach((w, i) => {
      const v = validations[w.index];
      if (v?.ok) standings.set(w.index, dedupeStanding(found[i], v.fingerprint, v.version));
    });
  }
  return validations.map((validation, index) => ({
    validation,
    standing: standings.get(index) ?? 'unknown',
  }));
}

/** The words an operator reads beside a standing. */
export function replayEffect(assessment: Assessment): string {
  if (!assessment.validation.ok) {
    return `replaying this would fail validation again (${assessment.validation.code})`;
  }
  switch (assessment.standing) {
    case 'already_applied':
      return 'replaying this would be a no-op: the consumer already applied this idempotency key';
    case 'conflict':
      return 'replaying this would be dead-lettered again: the consumer applied this key with another payload';
    case 'in_progress':
      return 'a delivery of this idempotency key is in progress at the consumer';
    case 'not_applied':
      return 'replaying this would be processed by the consumer';
    default:
      return 'unknown';
  }
}
