export type { OperatorTokensOptions } from './operator-tokens';
export { OperatorTokens } from './operator-tokens';
