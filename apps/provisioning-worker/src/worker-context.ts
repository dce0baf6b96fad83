import type { BalanceOf } from '@gpuaas/allocations';
import type { WorkerConfig } from './config';
import type { GpuProvider } from './provider/gpu-provider';

/** What the worker's subscriptions, tasks and routes share besides the runtime. */
export interface WorkerContext {
  config: WorkerConfig;
  provider: GpuProvider;
  /** The user's balance in micros; the ledger's `userBalance` when absent. */
  balanceOf?: BalanceOf;
  now: () => Date;
}
