import { ContractError } from '@gpuaas/contracts';
import { Metadata } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from './errors';
import { classifyFailure, grpcCodeOf } from './failure';

/** The shape @grpc/grpc-js gives a failed call (callErrorFromStatus). */
const grpcError = (code: number, details: string) =>
  Object.assign(new Error(`${code} ${details}`), { code, details, metadata: new Metadata() });

describe('classifyFailure', () => {
  it.each([
    [new PermanentError('handler_rejected', 'no such gpu'), 'handler_rejected'],
    [new PermanentError('emit_invalid', 'too big'), 'emit_invalid'],
    [new ContractError('payload_invalid', []), 'handler_rejected'],
  ])('dead-letters %s as %s', (error, reason) => {
    expect(classifyFailure(error)).toMatchObject({ permanent: true, reason });
  });

  it.each([
    [grpcError(10, 'contention'), 'contention'],
    [grpcError(14, 'connection refused'), 'grpc_unavailable'],
    [grpcError(4, 'deadline'), 'grpc_deadline_exceeded'],
    // The runtime's own I/O: a missing database, an index still building, a closed transaction.
    [grpcError(5, 'database not found'), 'grpc_not_found'],
    [grpcError(9, 'index required'), 'grpc_failed_precondition'],
    [grpcError(3, 'Transaction is invalid or closed'), 'grpc_invalid_argument'],
    [grpcError(6, 'document exists'), 'grpc_already_exists'],
    [new TransientError('provider_busy', 'try later'), 'provider_busy'],
    [new Error('socket hang up'), 'handler_failed'],
    ['a thrown string', 'handler_failed'],
    [{ code: 5, message: 'duck-typed, not a gRPC error' }, 'handler_failed'],
    [Object.assign(new Error('http'), { code: 9 }), 'handler_failed'],
  ])('retries %s as %s', (error, reason) => {
    expect(classifyFailure(error)).toMatchObject({ permanent: false, reason });
  });

  it('never throws on a hostile value', () => {
    const hostile = new Error('x');
    Object.defineProperty(hostile, 'message', {
      get() {
        throw new Error('getter');
      },
    });
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    for (const value of [hostile, revoked.proxy, Symbol('s'), null, undefined]) {
      expect(classifyFailure(value)).toMatchObject({ permanent: false, reason: 'handler_failed' });
    }
    expect(grpcCodeOf(revoked.proxy)).toBeUndefined();
  });
});
