import { createService, runService } from '@gpuaas/eventing';
import { loadOrchestratorConfig } from './config';
import { orchestratorService } from './service';

await runService(createService(orchestratorService(loadOrchestratorConfig())));
