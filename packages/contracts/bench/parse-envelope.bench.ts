/**
 * parseEnvelope vs Ajv 8 on the same exported JSON Schema, same formats, same input (a JSON
 * string of a gpuaas.provisioning.active envelope). Target: parseEnvelope >= Ajv throughput.
 */
import { readFileSync } from 'node:fs';
import { figure, recordBenchFigures } from '@gpuaas/testkit';
import { Ajv } from 'ajv';
import { Bench } from 'tinybench';
import { createEnvelope } from '../src/create-envelope';
import { examples } from '../src/examples';
import { formats } from '../src/formats';
import { parseEnvelope } from '../src/parse-envelope';

// Many calls per sample, so timer overhead does not dominate a sub-microsecond operation.
const BATCH = 200;

const envelope = createEnvelope(
  'gpuaas.provisioning.active',
  examples['gpuaas.provisioning.active'],
  {
    correlationId: 'trace-4bf92f3577b34da6a3ce929d0e0e4736',
  },
);
const json = JSON.stringify(envelope);
const parsed: unknown = JSON.parse(json);

const ajv = new Ajv({ allErrors: false });
for (const [name, check] of Object.entries(formats)) ajv.addFormat(name, check);
const schemaUrl = new URL(
  `../schemas/gpuaas.provisioning.active/${envelope.version}.json`,
  import.meta.url,
);
const ajvValidate = ajv.compile(JSON.parse(readFileSync(schemaUrl, 'utf8')));

function ajvParse(text: string): boolean {
  return ajvValidate(JSON.parse(text));
}

if (!parseEnvelope(json).ok || !ajvParse(json))
  throw new Error('the benchmark event must be valid');

let sink = 0;
const bench = new Bench({ time: 2000, warmupTime: 500 });
bench
  .add('parseEnvelope (TypeBox compiled)', () => {
    for (let i = 0; i < BATCH; i += 1) if (parseEnvelope(json).ok) sink += 1;
  })
  .add('Ajv 8 (JSON.parse + validate)', () => {
    for (let i = 0; i < BATCH; i += 1) if (ajvParse(json)) sink += 1;
  })
  // Secondary: the same event already parsed, so JSON.parse (shared by both) drops out.
  .add('parseEnvelope (object)', () => {
    for (let i = 0; i < BATCH; i += 1) if (parseEnvelope(parsed).ok) sink += 1;
  })
  .add('Ajv 8 (object)', () => {
    for (let i = 0; i < BATCH; i += 1) if (ajvValidate(parsed)) sink += 1;
  });
await bench.run();

const perSecond = (task: string): number =>
  (bench.getTask(task)?.result?.throughput.mean ?? 0) * BATCH;
const ours = perSecond('parseEnvelope (TypeBox compiled)');
const theirs = perSecond('Ajv 8 (JSON.parse + validate)');
const format = (n: number): string => Math.round(n).toLocaleString('en-US');

console.log(`event: gpuaas.provisioning.active ${envelope.version}, ${json.length} bytes of JSON`);
console.table([
  { validator: 'parseEnvelope', input: 'JSON string', 'validations/s': format(ours) },
  { validator: 'Ajv 8', input: 'JSON string', 'validations/s': format(theirs) },
  {
    validator: 'parseEnvelope',
    input: 'parsed object',
    'validations/s': format(perSecond('parseEnvelope (object)')),
  },
  {
    validator: 'Ajv 8',
    input: 'parsed object',
    'validations/s': format(perSecond('Ajv 8 (object)')),
  },
]);
console.log(`ratio parseEnvelope / Ajv (JSON string): ${(ours / theirs).toFixed(2)}`);
recordBenchFigures('contracts-parse-envelope', [
  figure('parseEnvelope validations/s (JSON string)', ours, '/s', {
    name: 'Ajv 8 on the exported JSON Schema (JSON.parse + validate), validations/s',
    value: theirs,
  }),
]);
console.log(`target parseEnvelope >= Ajv: ${ours >= theirs ? 'met' : 'NOT met'}`);
if (sink === 0) console.log('(no validation succeeded)');
