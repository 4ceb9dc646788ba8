// startMock(): a real Prism mock of the bundled spec on a free loopback port, for this repo's tests and
// for consumers' own. Prism runs with --errors, so a mock answer that breaks the contract is a 500; what
// Prism lets through is held to the kit's own validators too (`rules: 'kit'`), so that the mock refuses
// every request the contract forbids.
// With `stateful: true`, the stateful fake instead: a store that behaves like Ada, behind Prism.
import { fileURLToPath } from 'node:url';
import { startFake, type RunningFake, type StartFakeOptions } from '../fake/start.js';
import { startPrism, type RunningPrism } from '../prism/prism.js';
import { bundledSpecPath } from '../contract/spec-file.js';
import { refuse } from '../prism/wire-request.js';

export type { RunningFake, StartFakeOptions } from '../fake/start.js';
export type { SeedEndUser } from '../fake/store.js';
export type { Delivery, WebhookTarget } from '../fake/webhook-sender.js';

export interface StartMockOptions {
  /** Port to listen on; a free one is picked when omitted. */
  port?: number;
  /** Address to listen on (default 127.0.0.1: loopback only; `0.0.0.0` to be reached from other machines or containers). */
  host?: string;
  /** Spec file to mock; defaults to the kit's bundled spec. */
  spec?: string;
  /** How long to wait for Prism to answer (ms). */
  readyTimeoutMs?: number;
  /** Receives Prism's own output (warnings and errors); by default it is kept only for error messages. */
  onOutput?: (text: string) => void;
  /**
   * Which requests are refused (400, naming each violation). `kit` (the default on the kit's spec):
   * every request the kit's validators refuse, as the stateful fake does, including the rules Prism
   * does not enforce (an empty query value, keys shared by metadata and sensitive metadata, metadata
   * over 10 KB, `external_id` with `cursor` or `limit`, an unknown query parameter). `prism` (the
   * default with `spec`, whose rules the kit's validators do not know): only what Prism enforces.
   */
  rules?: 'kit' | 'prism';
}

export type RunningMock = RunningPrism;

export function startMock(options: StartFakeOptions & Omit<StartMockOptions, 'spec'> & { stateful: true }): Promise<RunningFake>;
export function startMock(options?: StartMockOptions & { stateful?: false }): Promise<RunningMock>;
export function startMock(
  options: (StartMockOptions & { stateful?: boolean }) | (StartFakeOptions & { stateful: true }) = {},
): Promise<RunningMock | RunningFake> {
  if (options.stateful) {
    const { stateful: _stateful, ...fake } = options as StartFakeOptions & { stateful: true; spec?: string };
    if (fake.spec !== undefined)
      return Promise.reject(new TypeError('startMock: the stateful fake serves the kit’s own spec; spec cannot be given'));
    return startFake(fake);
  }
  const {
    spec,
    rules = spec === undefined ? 'kit' : 'prism',
    stateful: _stateful,
    ...rest
  } = options as StartMockOptions & { stateful?: boolean };
  if (rules !== 'kit' && rules !== 'prism')
    return Promise.reject(new TypeError(`startMock: rules must be kit or prism, got ${JSON.stringify(rules)}`));
  return startPrism({
    ...rest,
    spec: spec ?? fileURLToPath(bundledSpecPath),
    errors: true,
    caller: 'startMock',
    ...(rules === 'kit' ? { judge: refuse } : {}),
  });
}
