import { createService, runService } from '@gpuaas/eventing';
import { loadRelayConfig } from './config';
import { notificationRelayService } from './service';

await runService(createService(notificationRelayService(loadRelayConfig())));
