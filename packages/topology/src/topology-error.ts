export type TopologyErrorCode =
  | 'settings_invalid'
  | 'timeouts_not_nested'
  | 'retry_span_too_short'
  | 'services_invalid'
  | 'base_url_missing'
  | 'project_missing'
  | 'push_target_conflict'
  | 'apply_unsupported'
  | 'pubsub_failed';

/** Every failure of this package; `code` says what the caller should fix. */
export class TopologyError extends Error {
  override readonly name = 'TopologyError';
  constructor(
    readonly code: TopologyErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
  }
}
