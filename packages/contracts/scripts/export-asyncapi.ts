/** Writes asyncapi.json, the AsyncAPI 3.0 document of the bus, from the catalog. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ASYNCAPI_FILE,
  buildAsyncApiDocument,
  renderAsyncApiDocument,
} from '../src/asyncapi/asyncapi-document';
import { catalog } from '../src/catalog';
import { buildSchemaFiles } from '../src/json-schema/schema-files';
import { PACKAGE_ROOT } from '../src/json-schema/schema-store';

const { version } = JSON.parse(await readFile(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
  version: string;
};
const text = renderAsyncApiDocument(buildAsyncApiDocument(buildSchemaFiles(catalog), { version }));
await writeFile(join(PACKAGE_ROOT, ASYNCAPI_FILE), text);
console.log(`wrote ${ASYNCAPI_FILE} under ${PACKAGE_ROOT}`);
