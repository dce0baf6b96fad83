import { createService, runService } from '@gpuaas/eventing';
import { loadBillingConfig } from './config';
import { billingWorkerService } from './service';

await runService(createService(billingWorkerService(loadBillingConfig())));
