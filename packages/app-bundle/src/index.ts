export type { BundleAppOptions, BundleResult } from './bundle-app';
export { bundleApp, packageOf } from './bundle-app';
