/**
 * Writes schemas/ and catalog.json from the catalog. Refuses when the result would break a
 * published contract (the same rules as check:compat) unless run with --force.
 */
import { catalog } from '../src/catalog';
import { checkCompat } from '../src/compat/check-compat';
import { buildSchemaFiles, renderSchemaFiles } from '../src/json-schema/schema-files';
import {
  PACKAGE_ROOT,
  parseFiles,
  readCommittedFiles,
  writeCommittedFiles,
} from '../src/json-schema/schema-store';

const force = process.argv.includes('--force');
const current = buildSchemaFiles(catalog);
const findings = checkCompat(parseFiles(await readCommittedFiles()), current);

if (findings.length > 0 && !force) {
  for (const f of findings) console.error(`${f.kind}  ${f.path}  ${f.detail}`);
  console.error(
    `\n${findings.length} compatibility finding(s); nothing written (--force overrides).`,
  );
  process.exit(1);
}

const files = renderSchemaFiles(current);
await writeCommittedFiles(files);
console.log(`wrote ${Object.keys(files).length} files under ${PACKAGE_ROOT}`);
