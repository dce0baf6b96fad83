import { pushBasePaths, SERVICES, type ServiceDefinition } from '@gpuaas/topology/services';
import type { RunningPlatform } from './platform';

/** The one ready banner: what runs where, and a first request to try. */
export function banner(platform: RunningPlatform, project: string): string[] {
  const lines = ['', 'GPUaaS platform ready', ''];
  for (const app of platform.apps) {
    const consumers = Object.keys(pushBasePaths(app.name));
    const definition: ServiceDefinition = SERVICES[app.name];
    const archive = definition.deadLetterArchive ? ['dead-letter archive'] : [];
    const hosts = [...consumers, ...archive];
    lines.push(
      `  ${app.name.padEnd(20)} ${app.url}${hosts.length > 0 ? `  (${hosts.join(', ')})` : ''}`,
    );
  }
  const byName = new Map(platform.apps.map((app) => [app.name, app]));
  const orchestrator = byName.get('orchestrator');
  const replay = byName.get('replay');
  lines.push('');
  if (orchestrator) lines.push(`  API docs             ${orchestrator.url}/docs`);
  if (replay) lines.push(`  operator console     ${replay.url}/console`);
  lines.push(`  Pub/Sub emulator     ${platform.emulators.pubsubHost}`);
  lines.push(`  Firestore emulator   ${platform.emulators.firestoreHost}`);
  lines.push(`  project              ${project}`);
  if (platform.demoKey) lines.push(`  demo user API key    ${platform.demoKey}`);
  if (orchestrator && platform.demoKey) {
    lines.push('', 'Try:');
    lines.push(
      `  curl -s -X POST ${orchestrator.url}/v1/allocations -H 'Authorization: Bearer ${platform.demoKey}' -H 'Content-Type: application/json' -H 'Idempotency-Key: first-try' -d '{"gpu_type":"h100","gpu_count":1}'`,
    );
  }
  lines.push('', 'Ctrl-C stops everything started here.');
  return lines;
}
