// Who may use the archive: an operator's Google identity on the allow-list, and no one else —
// through the API, the raw data route and the console alike; every action names its operator.
import { createOperatorVerifier, createUserRegistry } from '@gpuaas/http-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReplayConfig } from '../src/config';
import type { Replay } from '../src/routes/replay-schemas';
import type { DeadLetterSummary } from '../src/routes/schemas';
import { replayService } from '../src/service';
import { ReplayHarness } from './harness';
import { published, pushLetter } from './letters';
import { AUDIENCE, OPERATOR, OperatorTokens } from './operator-tokens';

const FAILED = 'gpuaas.provisioning.failed';

describe('access', () => {
  let h: ReplayHarness;
  let tokens: OperatorTokens;
  let userKey: string;
  let entryId: string;

  beforeAll(async () => {
    tokens = await OperatorTokens.start();
    h = await ReplayHarness.start(
      'replay-access',
      { OPERATOR_AUTH: 'google' },
      {
        operators: createOperatorVerifier({
          audience: AUDIENCE,
          allowList: [OPERATOR],
          certsUrl: tokens.certsUrl,
        }),
      },
    );
    await h.bus.createTopics(FAILED);
    const { examples } = await import('@gpuaas/contracts');
    const letter = published(FAILED, { ...examples[FAILED], allocation_id: 'alloc-access' });
    expect(await pushLetter(h, 'notification-relay', FAILED, letter.data, letter.attributes)).toBe(
      204,
    );
    const issued = await createUserRegistry(h.firestore).createUser({ user_id: 'mallory' }, 'test');
    userKey = issued.apiKey;
    const page = await h.api<{ items: DeadLetterSummary[] }>('GET', '/v1/dead-letters', {
      token: tokens.mint(),
    });
    entryId = page.body.items[0]?.id ?? '';
    expect(entryId).toMatch(/^dl_/);
  });
  afterAll(async () => {
    await h.close();
    await tokens.close();
  });

  const surfaces = (): [string, string, unknown?][] => [
    ['GET', '/v1/dead-letters'],
    ['GET', '/v1/dead-letters/counts'],
    ['GET', `/v1/dead-letters/${entryId}`],
    ['GET', `/v1/dead-letters/${entryId}/data`],
    ['POST', '/v1/replays', { ids: [entryId], dry_run: true }],
    ['GET', '/v1/replays'],
    ['POST', '/v1/discards', { ids: [entryId], reason: 'x' }],
    ['POST', `/v1/dead-letters/${entryId}/repairs`, { payload_json: '{}', reason: 'x' }],
    ['GET', '/v1/audit'],
    ['GET', '/console'],
    ['GET', `/console/dead-letters/${entryId}`],
    ['GET', '/console/replays'],
  ];

  it('answers 401 without an operator identity, or with a token that does not verify', async () => {
    const forged = `${tokens.mint().slice(0, -8)}AAAAAAAA`;
    for (const [method, path, body] of surfaces()) {
      expect((await h.api(method, path, { body })).status, `${method} ${path}`).toBe(401);
      expect(
        (await h.api(method, path, { body, token: forged })).status,
        `${method} ${path} forged`,
      ).toBe(401);
      expect(
        (await h.api(method, path, { body, token: tokens.mint({ aud: 'https://elsewhere' }) }))
          .status,
      ).toBe(401);
    }
  });

  it("answers 403 to a user's API key and to a Google identity not on the allow-list", async () => {
    const stranger = tokens.mint({ email: 'someone@else.example' });
    for (const [method, path, body] of surfaces()) {
      expect(
        (await h.api(method, path, { body, token: userKey })).status,
        `${method} ${path} user key`,
      ).toBe(403);
      expect(
        (await h.api(method, path, { body, token: stranger })).status,
        `${method} ${path} stranger`,
      ).toBe(403);
    }
    // Nothing was discarded by the refused calls.
    const detail = await h.api<{ status: string }>('GET', `/v1/dead-letters/${entryId}`, {
      token: tokens.mint(),
    });
    expect(detail.body.status).toBe('parked');
  });

  it('lets the operator in and names them on every action', async () => {
    const token = tokens.mint();
    for (const [method, path, body] of surfaces()) {
      if (method === 'POST' && !path.endsWith('/v1/replays')) continue;
      expect((await h.api(method, path, { body, token })).status, `${method} ${path}`).toBe(200);
    }
    const created = await h.api<Replay>('POST', '/v1/replays', { body: { ids: [entryId] }, token });
    expect(created.status).toBe(201);
    expect(created.body.created_by).toBe(OPERATOR);
    const console = await h.api<string>('GET', '/console', { token });
    expect(console.body).toContain(`signed in as ${OPERATOR}`);
    const audit = await h.api<{ items: { action: string; actor: string }[] }>('GET', '/v1/audit', {
      token,
    });
    expect(audit.body.items.find((a) => a.action === 'replay_started')?.actor).toBe(OPERATOR);
  });

  it('refuses a console form posted from another site', async () => {
    const res = await h.api('POST', '/console/replays/dry-run', {
      token: tokens.mint(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'sec-fetch-site': 'cross-site',
      },
    });
    expect(res.status).toBe(403);
  });

  it('turns operator auth off only by an explicit local setting', () => {
    const base = { SERVICE_NAME: 'replay', GCP_PROJECT_ID: 'p', PUSH_AUTH: 'off' };
    expect(() => replayService(loadReplayConfig({ ...base }))).toThrow(/OPERATOR_AUDIENCE/);
    expect(() => replayService(loadReplayConfig({ ...base, OPERATOR_AUTH: 'off' }))).not.toThrow();
    const cloudRun = {
      K_SERVICE: 'replay',
      GCP_PROJECT_ID: 'p',
      PUSH_AUDIENCE: 'https://replay.example',
      PUSH_SERVICE_ACCOUNT: 'push@p.iam.gserviceaccount.com',
      OPERATOR_AUTH: 'off',
    };
    expect(() => replayService(loadReplayConfig(cloudRun))).toThrow(/refused on Cloud Run/);
  });
});
