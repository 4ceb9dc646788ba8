// One real Prism mock of the bundled spec, shared by every test file of a run.
import type { TestProject } from 'vitest/node';
import { startMock, type RunningMock } from '../../src/mock/mock.js';

let mock: RunningMock | undefined;

export async function setup(project: TestProject): Promise<void> {
  mock = await startMock();
  project.provide('mockUrl', mock.url);
}

export async function teardown(): Promise<void> {
  await mock?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    mockUrl: string;
  }
}
