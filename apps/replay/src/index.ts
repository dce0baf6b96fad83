import { createService, runService } from '@gpuaas/eventing';
import { loadReplayConfig } from './config';
import { replayService } from './service';

await runService(createService(replayService(loadReplayConfig())));
