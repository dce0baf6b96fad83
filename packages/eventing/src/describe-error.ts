/**
 * A one-line description of anything thrown, that never throws itself: a failure path must not
 * fail on a hostile value (a getter that throws, a `toString` that throws, a revoked proxy).
 */
export function describeError(error: unknown, maxLength = 1000): string {
  let text: string;
  try {
    if (error instanceof Error) {
      const message = error.message;
      text = typeof message === 'string' && message !== '' ? message : error.name;
    } else if (typeof error === 'string') {
      text = error;
    } else {
      text = `non-Error thrown: ${String(error)}`;
    }
  } catch {
    text = 'unprintable error';
  }
  return text.length > maxLength ? `${text.slice(0, maxLength - 3)}...` : text;
}
