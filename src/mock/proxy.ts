// startProxy(): Prism as a validation proxy in front of a real provider. It forwards each request and
// checks request and response against the bundled spec, reporting violations in `sl-violations`.
import { fileURLToPath } from 'node:url';
import { startPrism, type RunningPrism } from '../prism/prism.js';
import { bundledSpecPath } from '../contract/spec-file.js';

export interface StartProxyOptions {
  /** The provider's base URL (the part before /v2/...). */
  upstream: string;
  /**
   * true (default): Prism's --errors. Invalid requests are refused without reaching the provider, and
   * a response that breaks the contract becomes a 500 problem document. false: everything is forwarded
   * and answered as the provider answered; violations are only reported in `sl-violations`.
   */
  errors?: boolean;
  port?: number;
  readyTimeoutMs?: number;
  onOutput?: (text: string) => void;
}

export function startProxy(options: StartProxyOptions): Promise<RunningPrism> {
  const { upstream, errors = true, ...rest } = options;
  try {
    new URL(upstream);
  } catch {
    return Promise.reject(new Error(`startProxy: upstream must be an absolute URL, got "${upstream}"`));
  }
  return startPrism({ ...rest, spec: fileURLToPath(bundledSpecPath), errors, upstream, caller: 'startProxy' });
}
