import { LedgerError } from './errors';

export interface PostResult {
  /** `duplicate`: the same transaction was already posted; nothing was written. */
  status: 'posted' | 'duplicate';
  transaction_id: string;
}

/**
 * A posting whose reads are done. The caller may still read in its transaction, then calls
 * `write()` (synchronous) before its own writes: Firestore wants every read before any write.
 */
export interface PreparedPosting {
  readonly status: 'new' | 'duplicate';
  readonly transaction_id: string;
  write(): PostResult;
}

export function duplicatePosting(transactionId: string): PreparedPosting {
  return {
    status: 'duplicate',
    transaction_id: transactionId,
    write: () => ({ status: 'duplicate', transaction_id: transactionId }),
  };
}

export function newPosting(transactionId: string, writes: () => void): PreparedPosting {
  let written = false;
  return {
    status: 'new',
    transaction_id: transactionId,
    write() {
      if (written) throw new LedgerError('already_written', `${transactionId} was already written`);
      written = true;
      writes();
      return { status: 'posted', transaction_id: transactionId };
    },
  };
}
