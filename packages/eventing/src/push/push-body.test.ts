import { describe, expect, it } from 'vitest';
import { decodeBase64, readPushBody } from './push-body';

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
    expect(decodeBase64('a$Gk=')).toBeUndefined();
  });
});
