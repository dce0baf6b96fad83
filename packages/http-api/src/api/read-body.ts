import type { Context } from 'hono';
import { invalidInput, ProblemError } from '../problem/problem-error';

const JSON_MEDIA_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

/** The request body as parsed JSON; a 415 for another media type, a 400 for text that is not JSON. */
export async function readJsonBody(c: Context): Promise<unknown> {
  const contentType = c.req.header('content-type') ?? '';
  if (!JSON_MEDIA_TYPE.test(contentType)) {
    throw new ProblemError(415, 'unsupported_media_type', 'the body must be application/json');
  }
  const text = await c.req.text();
  if (text.trim() === '')
    throw invalidInput('body', '', 'a JSON body is required', 'malformed_json');
  try {
    return JSON.parse(text);
  } catch {
    throw invalidInput('body', '', 'the body is not valid JSON', 'malformed_json');
  }
}
