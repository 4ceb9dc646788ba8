// Public entry of ada-end-users-contract: everything the issues name is exported from here.
export { createAdaClient } from './client.js';
export type { AdaClient, AdaClientOptions, EndUser, RequestOptions, RetryInfo, UpdateEndUserRequest } from './client.js';
export {
  AdaApiError,
  AdaConnectionError,
  AdaError,
  AdaTimeoutError,
  AdaValidationError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ContractViolationError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from './errors.js';
export type { AdaApiErrorInit, AdaErrorItem } from './errors.js';
export {
  formatValidationIssues,
  jsonByteLength,
  validateEndUserResponse,
  validateErrorsResponse,
  validateUpdateEndUserRequest,
} from './validation.js';
export type { ValidationIssue, ValidationResult } from './validation.js';
export {
  arbitraryInvalidUpdateEndUserRequest,
  arbitraryUpdateEndUserRequest,
  invalidUpdateEndUserRequestCases,
} from './arbitraries.js';
export type { BrokenRule, InvalidBody, InvalidCase } from './arbitraries.js';
export { startMock } from './mock.js';
export type { RunningMock, StartMockOptions } from './mock.js';
export { startProxy } from './proxy.js';
export type { StartProxyOptions } from './proxy.js';
export type { RunningPrism } from './prism.js';
export { formatViolation, startProxies, verifyProvider, VerifySetupError } from './verify.js';
export type { RequestResult, VerifyOptions, VerifyReport, Violation } from './verify.js';
export { bundledSpecPath, openapiDocument } from './spec.js';
export type { components, operations, paths } from '../generated/schema.js';
