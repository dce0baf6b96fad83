/** One reason a message breaks the contract; `path` is a JSON pointer into the envelope. */
export type ContractIssue = { path: string; message: string };

export type ParseErrorCode =
  | 'not_json'
  | 'not_object'
  | 'envelope_invalid'
  | 'unknown_event_type'
  | 'unsupported_major'
  | 'payload_invalid';

/** Every parse or build failure; `code` says what a consumer should do (all are permanent). */
export class ContractError extends Error {
  override readonly name = 'ContractError';
  readonly code: ParseErrorCode;
  readonly issues: ContractIssue[];

  constructor(code: ParseErrorCode, issues: ContractIssue[]) {
    super(describe(code, issues));
    this.code = code;
    this.issues = issues;
  }
}

function describe(code: ParseErrorCode, issues: ContractIssue[]): string {
  const [first] = issues;
  if (first === undefined) return code;
  const more = issues.length > 1 ? ` (+${issues.length - 1} more)` : '';
  return `${code}: ${first.path || '/'} ${first.message}${more}`;
}
