import type { IssuedKey, UserRegistry } from './user-registry';

export const DEMO_USER_ID = 'demo-user';

/** For local `pnpm dev`: the demo user (created once) and a fresh key for it to print. */
export async function seedDemoUser(
  registry: UserRegistry,
  userId: string = DEMO_USER_ID,
): Promise<{ userId: string } & IssuedKey> {
  if (await registry.exists(userId)) return { userId, ...(await registry.issueKey(userId)) };
  const { apiKey, keyId } = await registry.createUser(
    { user_id: userId, display_name: 'Demo user' },
    'local-dev',
  );
  return { userId, apiKey, keyId };
}
