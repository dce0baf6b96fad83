import { createService, runService } from '@gpuaas/eventing';
import { loadWorkerConfig } from './config';
import { provisioningWorkerService } from './service';

await runService(createService(provisioningWorkerService(loadWorkerConfig())));
