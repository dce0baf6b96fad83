import { ContractError } from '@gpuaas/contracts';
import { describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from './errors';
import { classifyFailure } from './failure';

const grpcError = (code: number, message: string) => Object.assign(new Error(message), { code });

describe('classifyFailure', () => {
  it.each([
    [new PermanentError('handler_rejected', 'no such gpu'), 'handler_rejected'],
    [new ContractError('payload_invalid', []), 'handler_rejected'],
    [grpcError(3, 'INVALID_ARGUMENT: bad field'), 'handler_error'],
    [grpcError(5, 'NOT_FOUND: no document'), 'handler_error'],
    [grpcError(6, 'ALREADY_EXISTS: document exists'), 'handler_error'],
    [grpcError(9, 'FAILED_PRECONDITION: index required'), 'handler_error'],
  ])('dead-letters %s as %s', (error, reason) => {
    expect(classifyFailure(error)).toMatchObject({ permanent: true, reason });
  });

  it.each([
    [grpcError(10, 'ABORTED: contention')],
    [grpcError(14, 'UNAVAILABLE')],
    [grpcError(4, 'DEADLINE_EXCEEDED')],
    [new TransientError('provider_busy', 'try later')],
    [new Error('socket hang up')],
    ['a thrown string'],
  ])('retries %s', (error) => {
    expect(classifyFailure(error)).toMatchObject({ permanent: false });
  });
});
