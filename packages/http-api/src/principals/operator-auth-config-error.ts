/** An operator-auth setting is missing or malformed; names the setting at fault. */
export class OperatorAuthConfigError extends Error {
  override readonly name = 'OperatorAuthConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}
