import { readFileSync } from 'node:fs';
import {
  CONSUMERS,
  type ConsumerName,
  catalog,
  deadLetterTopicName,
  EVENT_TYPES,
} from '@gpuaas/contracts';
import { serviceOfProducer } from './publish-grants';
import { archiveService, pushBasePaths, SERVICE_NAMES, serviceOf } from './services';

export const DIAGRAM_START =
  '<!-- services-and-bus:start (generated: pnpm --filter @gpuaas/topology generate) -->';
export const DIAGRAM_END = '<!-- services-and-bus:end -->';

const id = (text: string) => text.replace(/[^a-zA-Z0-9]/g, '_');

/**
 * The services and the bus as a Mermaid flowchart, from the catalog and the services table:
 * each service with the consumers it hosts, each event topic from its producer to its
 * consumers, and every consumer's dead letters into the archive.
 */
export function architectureDiagram(): string {
  const lines = ['```mermaid', 'flowchart LR'];
  for (const service of SERVICE_NAMES) {
    lines.push(`  subgraph ${id(`svc_${service}`)}["${service}"]`);
    lines.push(`    ${id(`app_${service}`)}[${service}]`);
    for (const consumer of Object.keys(pushBasePaths(service)) as ConsumerName[]) {
      if (consumer !== service) lines.push(`    ${id(`c_${consumer}`)}(["${consumer}"])`);
    }
    lines.push('  end');
  }
  const consumerNode = (consumer: ConsumerName) =>
    consumer === serviceOf(consumer) ? id(`app_${consumer}`) : id(`c_${consumer}`);
  for (const eventType of EVENT_TYPES) {
    const entry = catalog[eventType];
    const topic = id(`t_${eventType}`);
    lines.push(`  ${topic}{{"${eventType}"}}`);
    const producer = serviceOfProducer(entry.producer);
    if (producer) lines.push(`  ${id(`app_${producer}`)} --> ${topic}`);
    for (const consumer of entry.consumers) lines.push(`  ${topic} --> ${consumerNode(consumer)}`);
  }
  const archive = id(`app_${archiveService()}`);
  for (const consumer of CONSUMERS) {
    const dlq = id(`d_${consumer}`);
    lines.push(`  ${dlq}[("${deadLetterTopicName(consumer)}")]`);
    lines.push(`  ${consumerNode(consumer)} -. dead letters .-> ${dlq} -.-> ${archive}`);
  }
  lines.push('```');
  return `${lines.join('\n')}\n`;
}

/** README.md with its diagram section as `generate` writes it. */
export function renderReadmeWithDiagram(readme: string): string {
  const start = readme.indexOf(DIAGRAM_START);
  const end = readme.indexOf(DIAGRAM_END);
  if (start === -1 || end < start) {
    throw new Error(`README.md has no ${DIAGRAM_START} … ${DIAGRAM_END} section`);
  }
  return `${readme.slice(0, start + DIAGRAM_START.length)}\n${architectureDiagram()}${readme.slice(end)}`;
}

export const readmeUrl = new URL('../../../README.md', import.meta.url);

export const renderReadme = () => renderReadmeWithDiagram(readFileSync(readmeUrl, 'utf8'));
