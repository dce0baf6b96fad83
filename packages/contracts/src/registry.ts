import { catalog } from './catalog';
import { compileCatalog, type ValidatorRegistry } from './validators';

/** The catalog's validators, compiled once when the package loads. */
export const registry: ValidatorRegistry = compileCatalog(catalog);
