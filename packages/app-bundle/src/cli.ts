// `bundle-app [entry] [--outfile dist/index.js]`: an app's `build` script.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleApp } from './bundle-app';

const { positionals, values } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: { outfile: { type: 'string', default: 'dist/index.js' } },
});

const entry = resolve(positionals[0] ?? 'src/index.ts');
bundleApp({ entry, outfile: resolve(values.outfile) }).then(
  (result) => {
    console.log(`bundled ${entry} -> ${result.outfile}`);
    console.log(`external (installed by pnpm deploy): ${result.external.join(', ') || 'none'}`);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
