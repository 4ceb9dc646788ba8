// Provider verification: verifyProvider and what it reports (see run.ts).
export { checkVerifyOptions, describeViolation, formatViolation, VerifySetupError } from './report.js';
export type { RequestResult, Unjudged, VerifyOptions, VerifyReport, Violation, VerifyWebhookOptions } from './report.js';
export { startProxies, verifyProvider } from './run.js';
