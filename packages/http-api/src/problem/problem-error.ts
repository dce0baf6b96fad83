import {
  type Problem,
  type ProblemFieldError,
  type ProblemReason,
  problemTitle,
  problemType,
} from './problem';

export interface ProblemErrorOptions {
  errors?: ProblemFieldError[];
  /** Logged, never sent: what the client must not learn (a token library's message, a stack). */
  cause?: unknown;
  headers?: Record<string, string>;
}

/** What a handler throws to answer with a problem document: `new ProblemError(404, 'not_found', 'allocation not found')`. */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  readonly errors: ProblemFieldError[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    readonly status: number,
    readonly reason: ProblemReason,
    readonly detail: string,
    options: ProblemErrorOptions = {},
  ) {
    super(`${status} ${reason}: ${detail}`, { cause: options.cause });
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }

  toProblem(): Problem {
    const first = this.errors?.[0];
    return {
      type: problemType(this.reason),
      title: problemTitle(this.reason),
      status: this.status,
      detail: this.detail,
      reason: this.reason,
      ...(first ? { field: first.pointer, errors: this.errors } : {}),
    };
  }
}

/** A 400 naming the offending input: `invalidInput('query', '/cursor', 'cursor is not valid')`. */
export function invalidInput(
  where: ProblemFieldError['in'],
  pointer: string,
  detail: string,
  reason: ProblemReason = 'validation_failed',
): ProblemError {
  return new ProblemError(400, reason, detail, { errors: [{ pointer, in: where, detail }] });
}
