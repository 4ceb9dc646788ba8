// startMock(): a real Prism mock of the bundled spec on a free loopback port, for this repo's tests and
// for consumers' own. Prism runs with --errors, so a mock answer that breaks the contract is a 500.
import { fileURLToPath } from 'node:url';
import { startPrism, type RunningPrism } from './prism.js';
import { bundledSpecPath } from './spec-file.js';

export interface StartMockOptions {
  /** Port to listen on; a free one is picked when omitted. */
  port?: number;
  /** Spec file to mock; defaults to the kit's bundled spec. */
  spec?: string;
  /** How long to wait for Prism to answer (ms). */
  readyTimeoutMs?: number;
  /** Receives Prism's own output (warnings and errors); by default it is kept only for error messages. */
  onOutput?: (text: string) => void;
}

export type RunningMock = RunningPrism;

export function startMock(options: StartMockOptions = {}): Promise<RunningMock> {
  const { spec = fileURLToPath(bundledSpecPath), ...rest } = options;
  return startPrism({ ...rest, spec, errors: true, caller: 'startMock' });
}
