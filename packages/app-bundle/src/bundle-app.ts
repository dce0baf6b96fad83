import { build, type Plugin } from 'esbuild';

export interface BundleAppOptions {
  /** The app's entry, e.g. `src/index.ts`. */
  entry: string;
  /** Default `dist/index.js` beside the entry's package. */
  outfile: string;
  /** Node version the image runs; default 20 (the oldest we support). */
  nodeTarget?: string;
}

export interface BundleResult {
  outfile: string;
  /** Third-party packages left as imports: the image installs them with `pnpm deploy`. */
  external: string[];
}

/** Package name of a bare specifier (`@scope/name/sub` -> `@scope/name`). */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

const isBare = (specifier: string) =>
  !specifier.startsWith('.') && !specifier.startsWith('/') && !specifier.startsWith('node:');

/**
 * Workspace packages are TypeScript source, which Node will not run from node_modules, so they
 * are inlined. Third-party packages stay external: several (`google-gax`, protobufjs) read files
 * next to their own code at run time and break when bundled.
 */
function workspaceInlined(external: Set<string>): Plugin {
  return {
    name: 'workspace-inlined',
    setup(context) {
      context.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point' || !isBare(args.path)) return undefined;
        const name = packageOf(args.path);
        if (name.startsWith('@gpuaas/')) return undefined;
        external.add(name);
        return { path: args.path, external: true };
      });
    },
  };
}

/** Bundles one Cloud Run app into a single ESM file that runs on plain Node. */
export async function bundleApp(options: BundleAppOptions): Promise<BundleResult> {
  const external = new Set<string>();
  await build({
    entryPoints: [options.entry],
    outfile: options.outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${options.nodeTarget ?? '20'}`,
    sourcemap: true,
    logLevel: 'warning',
    plugins: [workspaceInlined(external)],
  });
  return { outfile: options.outfile, external: [...external].sort() };
}
