import { createService, runService } from '@gpuaas/eventing';
import { loadPaymentsConfig } from './config';
import { paymentsService } from './service';

await runService(createService(paymentsService(loadPaymentsConfig())));
