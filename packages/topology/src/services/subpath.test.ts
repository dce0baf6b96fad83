import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as services from './index';

const dir = new URL('./', import.meta.url);
const sources = readdirSync(dir).filter(
  (name) => name.endsWith('.ts') && !name.endsWith('.test.ts'),
);

describe('@gpuaas/topology/services', () => {
  it('is a package export apps can import by name', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(pkg.exports['./services']).toBe('./src/services/index.ts');
    const byName = await import('@gpuaas/topology/services');
    expect(byName.SERVICES).toBe(services.SERVICES);
    expect(byName.pushBasePaths('orchestrator')).toEqual({ 'api-read-model': '' });
  });

  it('loads nothing at run time beyond its own files (types only from @gpuaas/contracts)', () => {
    expect(sources.sort()).toEqual(['index.ts', 'queries.ts', 'table.ts']);
    for (const name of sources) {
      const text = readFileSync(new URL(name, dir), 'utf8');
      const imports = [...text.matchAll(/^(import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms)];
      expect(imports.length, name).toBeGreaterThan(0);
      for (const [statement, , typeOnly, from] of imports) {
        const local = from?.startsWith('./') === true;
        expect(local || typeOnly !== undefined, `${name}: ${statement}`).toBe(true);
      }
      expect(text, name).not.toMatch(/require\(|import\(/);
    }
  });
});
