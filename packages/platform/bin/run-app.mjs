#!/usr/bin/env node
// `run-app <service>`: one app alone on its local port, with the environment `pnpm dev` gives it.
import { register } from 'tsx/esm/api';

register();
await import('../src/run-app.ts');
