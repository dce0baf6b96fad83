/** Firestore collections of the replay app (README "Firestore"). */
export const DEAD_LETTERS = 'dead_letters';
/** Subcollection of an entry: data above the inline limit, split into chunks. */
export const DATA_CHUNKS = 'data_chunks';
/** One document per (consumer, reason) seen, so counts know their groups without a scan. */
export const DEAD_LETTER_GROUPS = 'dead_letter_groups';
export const REPLAYS = 'replays';
/** Subcollection of a replay: one item per selected entry. */
export const REPLAY_ITEMS = 'items';
export const AUDIT = 'replay_audit';
