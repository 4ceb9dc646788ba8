// The root entry of ada-end-users-contract: what a production app needs (the client and its errors, the
// validators, the operations as data, the types, the bundled spec). The testing tools (mocks, proxies,
// provider verification, arbitraries) are in ./testing.ts, so that importing this entry never loads
// fast-check or Prism.
export { createAdaClient } from './client/client.js';
export { isRetryable } from './client/retry.js';
export type {
  AdaClient,
  AdaClientOptions,
  CreateEndUserRequest,
  EndUser,
  EndUserPage,
  ListEndUsersParams,
  Page,
  PagePromise,
  RequestOptions,
  RetryInfo,
  UpdateEndUserRequest,
} from './client/client.js';
export {
  verifyWebhook,
  WebhookPayloadError,
  WebhookSignatureError,
  WebhookTimestampError,
  WebhookVerificationError,
} from './client/webhooks.js';
export type { EndUserCreatedEvent, EndUserUpdatedEvent, EndUserWebhookEvent, HeaderBag } from './client/webhooks.js';
// The spec's operations and webhooks as data (the generated types keep the names `operations`, `webhooks`).
export { operations as operationTable, webhooks as webhookTable } from './contract/operations.js';
export type { MediaInfo, OperationInfo, ParameterInfo, WebhookInfo } from './contract/operations.js';
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
  RedirectError,
  ResponseTooLargeError,
  UnprocessableEntityError,
} from './client/errors.js';
export type { AdaApiErrorInit, AdaErrorItem } from './client/errors.js';
export {
  formatValidationIssues,
  jsonByteLength,
  parseQuery,
  validateCreateEndUserRequest,
  validateEndUserResponse,
  validateErrorsResponse,
  validateRequest,
  validateRequestBody,
  validateResponse,
  validateUpdateEndUserRequest,
  validateWebhookPayload,
} from './contract/validation.js';
export type { RequestParts, ValidationIssue, ValidationResult } from './contract/validation.js';
export { bundledSpecPath } from './contract/spec-file.js';
import { openapiDocument as bundledDocument } from './contract/spec.js';

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
export type { components, operations, paths, webhooks } from '../generated/schema.js';
