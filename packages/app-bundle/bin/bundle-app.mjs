#!/usr/bin/env node
// The bundler is TypeScript like the rest of the workspace; tsx runs it.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
