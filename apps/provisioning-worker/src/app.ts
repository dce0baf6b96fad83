// What other packages need to start this app exactly as production does (cross-app tests, bench).
export type { WorkerConfig } from './config';
export { DEFAULT_CAPACITY, loadWorkerConfig } from './config';
export type {
  CreateInstanceRequest,
  GpuProvider,
  ProviderInstance,
  TerminationReceipt,
} from './provider/gpu-provider';
export { ProviderError } from './provider/gpu-provider';
export type { Capacity, SimulatedProviderOptions } from './provider/simulated-provider';
export { SimulatedProvider } from './provider/simulated-provider';
export type { WorkerDeps } from './service';
export { provisioningWorkerService } from './service';
