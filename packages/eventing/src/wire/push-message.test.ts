import { describe, expect, it } from 'vitest';
import { decodeBase64, readPushBody } from './push-message';

describe('readPushBody', () => {
  it('normalises camelCase and snake_case forms alike', () => {
    const camel = readPushBody({
      message: { data: 'e30=', attributes: { a: '1' }, messageId: 'm1', publishTime: 't' },
      subscription: 'projects/p/subscriptions/x.y.z.ops',
      deliveryAttempt: 2,
    });
    const snake = readPushBody({
      message: { data: 'e30=', attributes: { a: '1' }, message_id: 'm1', publish_time: 't' },
      subscription: 'projects/p/subscriptions/x.y.z.ops',
      delivery_attempt: 2,
    });
    const expected = {
      ok: true,
      message: {
        dataBase64: 'e30=',
        attributes: { a: '1' },
        messageId: 'm1',
        publishTime: 't',
        deliveryAttempt: 2,
        subscription: 'x.y.z.ops',
      },
    };
    expect(camel).toEqual(expected);
    expect(snake).toEqual(expected);
  });

  it.each([
    [null, 'push body must be a JSON object'],
    [{}, 'push body has no "message" object'],
    [{ message: { data: 'e30=' } }, 'message.messageId must be a non-empty string'],
    [{ message: { messageId: '1', data: 5 } }, 'message.data must be a string'],
    [
      { message: { messageId: '1', attributes: { a: 1 } } },
      'message.attributes.a must be a string',
    ],
  ])('rejects %j', (body, reason) => {
    expect(readPushBody(body)).toEqual({ ok: false, reason });
  });

  it('decodes strict base64 only', () => {
    expect(decodeBase64('aGk=')?.toString()).toBe('hi');
    expect(decodeBase64('')?.length).toBe(0);
    for (const bad of ['a$Gk=', 'aGk', 'aG k', 'aGk=aGk=', '====', 'aGk-', 'aGk_']) {
      expect(decodeBase64(bad)).toBeUndefined();
    }
  });

  it('decodes Pub/Sub-sized data in linear time, without a stack overflow', () => {
    for (const size of [4 * 1024 * 1024, 9.5 * 1024 * 1024]) {
      const data = Buffer.alloc(size, 7);
      const text = data.toString('base64');
      expect(decodeBase64(text)?.equals(data)).toBe(true);
      expect(decodeBase64(`${text.slice(0, -4)}!!!!`)).toBeUndefined();
    }
  });
});
