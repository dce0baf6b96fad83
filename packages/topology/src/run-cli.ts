import { parseArgs } from 'node:util';
import { PubSub } from '@google-cloud/pubsub';
import { readBus } from './actual-bus';
import { apply } from './apply';
import { deriveBus } from './derive-bus';
import {
  ENVIRONMENTS,
  type EnvironmentName,
  isEnvironmentName,
  readEnvironmentFile,
} from './environment-file';
import { formatPlan } from './format-plan';
import { GENERATE_COMMAND, generatedFiles, isCurrent, writeGenerated } from './generated-files';
import { plan } from './plan';
import { resolveEnvironment } from './resolve-environment';
import { TERRAFORM_ENVIRONMENTS, type TerraformEnvironment } from './tfvars';
import { TopologyError } from './topology-error';

const USAGE = `usage: tsx src/cli.ts plan|apply [--env local|dev|prod] [--project ID] [--project-number N] [--region R] [--recreate]
       tsx src/cli.ts generate [--env dev|prod] [--check]   (alias: tfvars)`;

/** Local runs use the emulator DESIGN.md starts on 127.0.0.1:8085 unless told otherwise. */
const LOCAL_EMULATOR_HOST = '127.0.0.1:8085';
const LOCAL_PROJECT = 'gpuaas-local';

/** Exit codes: 0 done, 1 error, 2 drift left in place (apply without --recreate). */
export async function runCli(
  argv: string[],
  out: (line: string) => void = console.log,
): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      env: { type: 'string' },
      project: { type: 'string' },
      'project-number': { type: 'string' },
      region: { type: 'string' },
      recreate: { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command] = positionals;
  if (values.help || command === undefined) {
    out(USAGE);
    return command === undefined && !values.help ? 1 : 0;
  }
  if (values.env !== undefined && !isEnvironmentName(values.env)) {
    throw new TopologyError('settings_invalid', `--env must be one of ${ENVIRONMENTS.join(', ')}`);
  }
  const env: EnvironmentName | undefined = values.env;
  if (command === 'generate' || command === 'tfvars') return generate(env, values.check, out);
  if (command !== 'plan' && command !== 'apply') {
    out(USAGE);
    return 1;
  }

  const target = env ?? 'local';
  const project = values.project ?? (target === 'local' ? LOCAL_PROJECT : undefined);
  if (project === undefined)
    throw new TopologyError('project_missing', `--env ${target} needs --project`);
  const { settings, unresolved } = resolveEnvironment(readEnvironmentFile(target), {
    project,
    projectNumber: values['project-number'],
    region: values.region,
  });
  if (unresolved.length > 0) {
    const flags = unresolved
      .map((name) => (name === 'projectNumber' ? '--project-number' : name))
      .join(', ');
    throw new TopologyError(
      'base_url_missing',
      `settings/${target}.json needs ${flags} to build push URLs`,
    );
  }
  const pubsub = pubsubFor(target, project);
  const where = pubsub.isEmulator
    ? `the emulator at ${process.env.PUBSUB_EMULATOR_HOST}`
    : 'Google Cloud';
  out(`${command} ${target} bus in project ${project} on ${where}`);
  try {
    const desired = deriveBus(settings);
    if (command === 'plan') {
      out(formatPlan(plan(desired, await readBus(pubsub))));
      return 0;
    }
    const result = await apply(pubsub, desired, { recreate: values.recreate, log: out });
    if (result.planned.length > 0)
      out(`Applied ${result.applied.length} of ${result.planned.length} changes.`);
    return result.unresolved.length > 0 ? 2 : 0;
  } finally {
    await pubsub.close();
  }
}

function pubsubFor(env: EnvironmentName, project: string): PubSub {
  if (env === 'local' && !process.env.PUBSUB_EMULATOR_HOST)
    process.env.PUBSUB_EMULATOR_HOST = LOCAL_EMULATOR_HOST;
  if (!process.env.PUBSUB_EMULATOR_HOST) return new PubSub({ projectId: project });
  // The emulator needs no credentials: skip the metadata-server probe (and its warning) too.
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  return new PubSub({ projectId: project, emulatorMode: true });
}

/** Writes (or with `check`, compares) every file generated from the catalog and the services table. */
function generate(
  env: EnvironmentName | undefined,
  check: boolean,
  out: (line: string) => void,
): number {
  if (env === 'local')
    throw new TopologyError('settings_invalid', 'local has no Terraform: use --env dev or prod');
  const envs: readonly TerraformEnvironment[] = env === undefined ? TERRAFORM_ENVIRONMENTS : [env];
  let stale = 0;
  for (const file of generatedFiles(envs)) {
    if (check) {
      const fresh = isCurrent(file);
      if (!fresh) stale++;
      out(`${fresh ? 'up to date' : `stale (run ${GENERATE_COMMAND})`}: ${file.url.pathname}`);
    } else {
      const { path, changed } = writeGenerated(file);
      out(`${changed ? 'wrote' : 'unchanged'} ${path}`);
    }
  }
  return stale > 0 ? 1 : 0;
}
