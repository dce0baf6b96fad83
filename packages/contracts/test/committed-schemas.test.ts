import { describe, expect, it } from 'vitest';
import { catalog } from '../src/catalog';
import { checkCompat } from '../src/compat/check-compat';
import {
  buildSchemaFiles,
  EXPORT_COMMAND,
  renderSchemaFiles,
} from '../src/json-schema/schema-files';
import { parseFiles, readCommittedFiles } from '../src/json-schema/schema-store';

const committed = await readCommittedFiles();
const generated = renderSchemaFiles(buildSchemaFiles(catalog));

describe('committed JSON Schema files', () => {
  it('are exactly what the code produces', () => {
    const outdated = Object.keys(generated).filter((path) => committed[path] !== generated[path]);
    const stale = Object.keys(committed).filter((path) => !(path in generated));
    expect(
      [...outdated, ...stale],
      `schemas/ or catalog.json is out of date: run \`${EXPORT_COMMAND}\``,
    ).toEqual([]);
  });

  it('are compatible with the code (check:compat)', () => {
    expect(checkCompat(parseFiles(committed), buildSchemaFiles(catalog))).toEqual([]);
  });

  it('carry no ordering key in catalog.json', () => {
    expect(committed['catalog.json']).not.toMatch(/ordering/i);
  });

  it('end with a newline and contain no TypeBox internals', () => {
    for (const text of Object.values(generated)) {
      expect(text.endsWith('}\n')).toBe(true);
      expect(text).not.toMatch(/TypeBox|\[Kind\]/);
    }
  });
});
