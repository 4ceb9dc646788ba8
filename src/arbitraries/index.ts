// fast-check arbitraries derived from the spec: request bodies, whole requests (parameters too) and
// responses of every operation, and webhook payloads; valid ones, and invalid ones that break one rule.
export {
  arbitraryInvalidRequestBody,
  arbitraryInvalidUpdateEndUserRequest,
  arbitraryRequestBody,
  arbitraryUpdateEndUserRequest,
  invalidRequestBodyCases,
  invalidUpdateEndUserRequestCases,
} from './bodies.js';
export type { BrokenRule, InvalidBody, InvalidCase } from './values.js';
export { arbitraryInvalidRequest, arbitraryRequest, invalidRequestCases } from './requests.js';
export type { GeneratedRequest, InvalidRequest, InvalidRequestCase } from './requests.js';
export { arbitraryResponseBody, arbitraryWebhookPayload } from './responses.js';
