/** A caller holding a user API key: sees and changes only resources of `userId`. */
export interface UserPrincipal {
  kind: 'user';
  userId: string;
  keyId: string;
}

/** A platform operator, identified by a Google identity on the allow-list. */
export interface OperatorPrincipal {
  kind: 'operator';
  email: string;
}

export type Principal = UserPrincipal | OperatorPrincipal;

/** Who may call a route; every route declares one, there is no default. */
export type AuthMode = 'user' | 'operator' | 'user_or_operator' | 'none';

/** The principal a handler receives for its route's auth mode. */
export type PrincipalFor<A extends AuthMode> = A extends 'user'
  ? UserPrincipal
  : A extends 'operator'
    ? OperatorPrincipal
    : A extends 'user_or_operator'
      ? Principal
      : null;

/** Turns a user API key into its principal, or throws a 401 problem. */
export type AuthenticateUser = (apiKey: string) => Promise<UserPrincipal>;

/** Turns an operator's bearer token (undefined when none was sent) into a principal, or throws. */
export type VerifyOperator = (token: string | undefined) => Promise<OperatorPrincipal>;

/** How an API recognises its callers. */
export interface Principals {
  users: { authenticate: AuthenticateUser };
  operators: VerifyOperator;
}
