export type { ApiOptions } from './api/create-api';
export { createApi, DEFAULT_BODY_LIMIT_BYTES } from './api/create-api';
export { deriveId } from './derive-id';
export {
  IDEMPOTENCY_KEY_HEADER,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  readIdempotencyKey,
} from './idempotency/idempotency-key';
export type { StoredResponse } from './idempotency/idempotency-record';
export type { IdempotencyOptions } from './idempotency/idempotency-store';
export { IDEMPOTENCY_COLLECTION } from './idempotency/idempotency-store';
export { renderDocsPage } from './openapi/docs-page';
export type { OpenApiDocument, OpenApiInfo, OpenApiOperation } from './openapi/openapi-document';
export { createOpenApiDocument } from './openapi/openapi-document';
export type { OrderBy, SortDirection } from './pagination/cursor';
export {
  DEFAULT_PAGE_LIMIT,
  MAX_PAGE_LIMIT,
  Page,
  PageQuery,
  PageQueryWith,
} from './pagination/page-schema';
export type { PaginateOptions } from './pagination/paginate';
export { paginate } from './pagination/paginate';
export { API_KEY_PREFIX, apiKeyHash } from './principals/api-key';
export { DEMO_USER_ID, seedDemoUser } from './principals/demo-user';
export { OperatorAuthConfigError } from './principals/operator-auth-config-error';
export type { OperatorAuthEnvOptions } from './principals/operator-auth-env';
export { localOperatorVerifier, operatorVerifierFromEnv } from './principals/operator-auth-env';
export type { OperatorVerifierOptions } from './principals/operator-verifier';
export { createOperatorVerifier, LOCAL_OPERATOR } from './principals/operator-verifier';
export { ownedOrNotFound } from './principals/owned-or-not-found';
export type {
  AuthenticateUser,
  AuthMode,
  OperatorPrincipal,
  Principal,
  PrincipalFor,
  Principals,
  UserPrincipal,
  VerifyOperator,
} from './principals/principal';
export {
  CreatedUser,
  CreateUserRequest,
  IssuedApiKey,
  RevokedApiKey,
  registryRoutes,
  UserView,
} from './principals/registry-routes';
export type {
  ApiKeyRecord,
  IssuedKey,
  NewUser,
  RevokedKey,
  User,
  UserRecord,
  UserRegistry,
} from './principals/user-registry';
export {
  API_KEYS_COLLECTION,
  createUserRegistry,
  USERS_COLLECTION,
  UserId,
} from './principals/user-registry';
export type { ErrorHandlerOptions } from './problem/error-handler';
export { createErrorHandler } from './problem/error-handler';
export type { ProblemReason } from './problem/problem';
export { PROBLEM_CONTENT_TYPE, Problem, ProblemFieldError } from './problem/problem';
export type { ProblemErrorOptions } from './problem/problem-error';
export { invalidInput, ProblemError } from './problem/problem-error';
export { problemResponse } from './problem/problem-response';
export type { Route } from './route/define-route';
export { defineRoute } from './route/define-route';
export { RouteDefinitionError } from './route/route-rules';
export type {
  AnyRouteDeclaration,
  HttpMethod,
  IdempotencyMode,
  RouteDeclaration,
  RouteInput,
  RouteResponses,
  RouteResult,
} from './route/route-types';
