/** Fails when the code's schemas break the committed snapshots (see src/compat/check-compat.ts). */
import { catalog } from '../src/catalog';
import { checkCompat } from '../src/compat/check-compat';
import { buildSchemaFiles, EXPORT_COMMAND } from '../src/json-schema/schema-files';
import { parseFiles, readCommittedFiles } from '../src/json-schema/schema-store';

const snapshots = parseFiles(await readCommittedFiles());
const findings = checkCompat(snapshots, buildSchemaFiles(catalog));

if (findings.length > 0) {
  for (const f of findings) console.error(`${f.kind}  ${f.path}  ${f.detail}`);
  console.error(`\ncheck:compat: ${findings.length} finding(s)`);
  process.exit(1);
}
const unpublished = Object.keys(buildSchemaFiles(catalog)).filter((f) => !(f in snapshots));
const hint =
  unpublished.length > 0 ? `; unpublished: ${unpublished.join(', ')} (run ${EXPORT_COMMAND})` : '';
console.log(`check:compat: ${Object.keys(snapshots).length} snapshots compatible${hint}`);
