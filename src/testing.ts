// ada-end-users-contract/testing: the tools for testing against the contract, apart from the root entry
// so that a production app that imports the client never loads fast-check or Prism: a Prism mock of the
// spec, Prism as a validation proxy, provider verification, and fast-check arbitraries derived from the spec.
export {
  arbitraryInvalidRequest,
  arbitraryInvalidRequestBody,
  arbitraryInvalidUpdateEndUserRequest,
  arbitraryRequest,
  arbitraryRequestBody,
  arbitraryResponseBody,
  arbitraryUpdateEndUserRequest,
  arbitraryWebhookPayload,
  invalidRequestBodyCases,
  invalidRequestCases,
  invalidUpdateEndUserRequestCases,
} from './arbitraries/index.js';
export type {
  BrokenRule,
  GeneratedRequest,
  InvalidBody,
  InvalidCase,
  InvalidRequest,
  InvalidRequestCase,
} from './arbitraries/index.js';
export { startMock } from './mock/mock.js';
export type { Delivery, RunningFake, RunningMock, SeedEndUser, StartFakeOptions, StartMockOptions, WebhookTarget } from './mock/mock.js';
export { startProxy } from './mock/proxy.js';
export type { StartProxyOptions } from './mock/proxy.js';
export type { RunningPrism } from './prism/prism.js';
export { checkVerifyOptions, formatViolation, startProxies, verifyProvider, VerifySetupError } from './verify/index.js';
export type { RequestResult, Unjudged, VerifyOptions, VerifyReport, Violation, VerifyWebhookOptions } from './verify/index.js';
