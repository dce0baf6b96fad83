import type { BalanceOf } from '@gpuaas/allocations';
import type { OrchestratorConfig } from '../config';

/** What the orchestrator's routes share besides the runtime. */
export interface OrchestratorContext {
  config: OrchestratorConfig;
  /** The user's balance (early 402); the ledger's `userBalance` when absent. */
  balanceOf?: BalanceOf;
  now: () => Date;
}
