import type { PlatformTarget } from './client';
import { newScenario, type ScenarioOptions, type ScenarioState, scenarioSteps } from './scenario';
import { type CatalogRow, catalogCoverage, collectTimeline, type TimelineRow } from './timeline';

export interface StepResult {
  title: string;
  ok: boolean;
  detail: string;
  seconds: number;
}

export interface ScenarioResult {
  ok: boolean;
  state: ScenarioState;
  steps: StepResult[];
  timeline: TimelineRow[];
  coverage: CatalogRow[];
}

export interface ScenarioReporter {
  stepStarted?(index: number, total: number, title: string): void;
  progress?(line: string): void;
  stepEnded?(index: number, total: number, result: StepResult): void;
}

/** Plays every step in order, stopping at the first that does not happen; then the timeline. */
export async function runScenario(
  target: PlatformTarget,
  options: Omit<ScenarioOptions, 'onProgress'> & { reporter?: ScenarioReporter } = {},
): Promise<ScenarioResult> {
  const reporter = options.reporter ?? {};
  const state = await newScenario(target);
  const steps = scenarioSteps(target, state, {
    ...options,
    onProgress: (line) => reporter.progress?.(line),
  });
  const results: StepResult[] = [];
  for (const [index, step] of steps.entries()) {
    reporter.stepStarted?.(index, steps.length, step.title);
    const started = Date.now();
    let result: StepResult;
    try {
      const detail = (await step.run()) ?? '';
      result = { title: step.title, ok: true, detail, seconds: (Date.now() - started) / 1000 };
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      result = { title: step.title, ok: false, detail, seconds: (Date.now() - started) / 1000 };
    }
    results.push(result);
    reporter.stepEnded?.(index, steps.length, result);
    if (!result.ok) break;
  }
  const timeline = await collectTimeline(target, state);
  const ok = results.length === steps.length && results.every((r) => r.ok);
  return { ok, state, steps: results, timeline, coverage: catalogCoverage(timeline) };
}
