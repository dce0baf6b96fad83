// What other packages need to start this app exactly as production does (cross-app tests, bench).
export type { OrchestratorConfig } from './config';
export { loadOrchestratorConfig } from './config';
export type { GpuTypeOffer, GpuTypes, PriceBook } from './domain/offer';
export { DEFAULT_GPU_TYPES, DEFAULT_PRICE_BOOK } from './domain/offer';
export type { AllocationView } from './routes/allocation-view';
export type { OrchestratorDeps } from './service';
export { orchestratorService } from './service';
