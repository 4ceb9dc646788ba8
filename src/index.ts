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
  ResponseTooLargeError,
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
export { bundledSpecPath } from './spec-file.js';
import { openapiDocument as bundledDocument } from './spec.js';

/** The bundled spec's shape, as far as the public API promises it (import `./openapi.json` for the rest). */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; [key: string]: unknown };
  paths: Record<string, unknown>;
  components: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * The bundled spec as an object. Typed loosely on purpose: the exact JSON type would make the published
 * declarations depend on a JSON module, which needs `resolveJsonModule` in every consumer.
 */
export const openapiDocument: OpenApiDocument = bundledDocument;
export type { components, operations, paths } from '../generated/schema.js';
