/**
 * Public surface of the OpenEMR client core. Plain TypeScript, no `vscode` import below src/core:
 * the editor layer passes in its LogOutputChannel (as Logger), its SecretStorage (as SecretStore) and a
 * browser opener, and gets typed results or OpenEmrErrors back. See README.md in this folder.
 */

// Server profile and URLs
export {
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_REDIRECT_PORT,
  DEFAULT_SITE,
  DEFAULT_TIMEOUT_MS,
  normalizeBaseUrl,
  redirectUriFor,
  serverUrls,
  sessionKey,
  siteOf,
  type ServerConfig,
  type ServerUrls,
} from './config';

// Logging, secrets, events
export {
  ensureRedacting,
  nullLogger,
  redactingLogger,
  redactApiBody,
  redactText,
  redactUrl,
  SECRET_FIELD_NAMES,
  type Logger,
  type RedactingLogger,
} from './log';
export { MemorySecretStore, type SecretStore } from './secrets';
export { Emitter, type Disposable, type Event } from './events';

// Errors
export {
  ERROR_GUIDE,
  isOpenEmrError,
  OpenEmrError,
  type ErrorGuide,
  type OpenEmrErrorInit,
  type OpenEmrErrorKind,
} from './errors';

// HTTP seam
export { HttpClient, parseJsonBody, type HttpMethod, type HttpRequest, type HttpResponse } from './http/client';
export { assertSecretTransportAllowed, isLoopbackHost } from './http/policy';

// OAuth: discovery, registration, keys, grants, tokens, session
export {
  discover,
  parseVersion,
  summarizeCapabilityStatement,
  type Availability,
  type CapabilitySummary,
  type OidcConfiguration,
  type ServerCapabilities,
  type ServerVersion,
  type SmartConfiguration,
} from './oauth/discovery';
export {
  parseRegistration,
  predictEnabled,
  readRegistration,
  registerClient,
  registrationBody,
  validateRegistration,
  type KnownGlobals,
  type RegisteredClient,
  type RegistrationRequest,
  type TokenEndpointAuthMethod,
} from './oauth/registration';
export {
  CLIENT_ASSERTION_ALG,
  CLIENT_ASSERTION_TYPE,
  createClientAssertion,
  generateClientKeyPair,
  type ClientKeyPair,
  type JsonWebKeySet,
} from './oauth/keys';
export { createPkce, pkceChallenge, randomToken, type Pkce } from './oauth/pkce';
export { decodeClaims, decodeHeader, type JWTPayload } from './oauth/jwt';
export { listenForRedirect, type RedirectListener, type RedirectListenerOptions } from './oauth/loopback';
export {
  OAuthClient,
  type Audience,
  type AuthorizationCodeOptions,
  type AuthorizationRequest,
  type AuthorizationRequestOptions,
  type ClientCredentials,
  type IntrospectionResult,
  type LogoutOptions,
  type PasswordGrantOptions,
} from './oauth/grants';
export {
  droppedScopes,
  droppedScopesError,
  isExpired,
  parseTokenSet,
  serializeTokenSet,
  summarizeTokens,
  tokenSetFromResponse,
  type GrantType,
  type LaunchContext,
  type TokenSet,
  type TokenSummary,
} from './oauth/tokens';
export {
  staticTokenSource,
  TokenSession,
  type SessionChange,
  type SessionChangeReason,
  type TokenSessionOptions,
  type TokenSource,
} from './oauth/session';
export {
  clientSecretsKey,
  deleteClientSecrets,
  loadClientSecrets,
  storeClientSecrets,
  tokensKey,
  type ClientSecrets,
} from './oauth/client-secrets';

// API client
export {
  inTokenContext,
  mayRetryAfter401,
  OpenEmrClient,
  type ApiResponse,
  type OpenEmrClientOptions,
  type PatientRef,
  type PatientSearch,
  type PatientSearchField,
  type QueryValue,
  type RequestOptions,
  type ResendRule,
  type StandardPatient,
} from './api/client';
export {
  classifyKind,
  classifyResponse,
  readErrorBody,
  scopeFromHint,
  type ClassifyContext,
  type EndpointKind,
  type ErrorBodyFields,
} from './api/classify';
export { isEnvelope, readEnvelope, type StandardEnvelope, type StandardLinks } from './api/envelope';
export {
  DEFAULT_PAGE_SIZE,
  fhirPage,
  fhirPageQuery,
  pageFromLink,
  STANDARD_MAX_LIMIT,
  standardPage,
  standardPageQuery,
  type Page,
  type PageRequest,
} from './api/paging';

// Catalogs
export {
  API_GATE_SCOPES,
  FHIR_V1_READ_RESOURCES,
  FHIR_V1_WRITE_RESOURCES,
  FHIR_V2_RESOURCES,
  IDENTITY_SCOPES,
  isScopeValidForPublicClient,
  isValidPermissionLetters,
  joinScopes,
  LAUNCH_SCOPES,
  parseScope,
  SCOPE_CATALOG,
  SCOPE_PRESETS,
  scopeCatalog,
  scopeCovers,
  splitScopes,
  type ParsedScope,
  type ScopeApi,
  type ScopeCatalogEntry,
  type ScopeContext,
  type ScopeFilter,
  type ScopePreset,
  type ScopePresetId,
} from './catalog/scopes';
export {
  FHIR_PATIENT_TYPES,
  FHIR_RESOURCES,
  FHIR_TYPE_PLACES,
  fhirTypesAt,
  fillPath,
  findRoute,
  matchRoute,
  paramKind,
  PATIENT_GROUPS,
  pathParams,
  permissionLetter,
  ROUTES,
  routeRequirement,
  TOP_LEVEL_COLLECTIONS,
  type RouteRequirement,
  type FhirResourceName,
  type FhirTypeName,
  type FhirTypePlace,
  type ParamKind,
  type PatientResourceGroup,
  type ResourceRoute,
  type RouteApi,
  type RouteParam,
  type TopLevelCollection,
} from './catalog/resources';

// Wiring
export { createConnection, type Connection, type ConnectionOptions } from './connection';

// Writes: editable documents, diffs, templates and schemas of the write routes, validation problems
export {
  canonical,
  describeChanges,
  diffFields,
  editableDocument,
  isObject,
  recordDisplayName,
  sameValue,
  type FieldChange,
  type JsonObject,
} from './writes/fields';
export { newRecordDocument, schemaFor, templateFor, type RecordTemplate } from './writes/templates';
export { fieldProblems, locateField, type FieldProblem, type TextRange } from './writes/validation';
export { createdPath, createRoute, hasRoute, recordWrites, type RecordWrites } from './writes/routes';
export {
  apiOfPath,
  parseDocument,
  planSave,
  readEditable,
  readRecord,
  sendWrite,
  type RecordApi,
  type SavePlan,
  type WriteOutcome,
} from './writes/recordWrite';

// FHIR Bulk Data export
export {
  BULK_EXPORT_SCOPES,
  BulkExport,
  checkExportScopes,
  exportPath,
  retryAfterMs,
  runBulkExport,
  type BulkExportOptions,
  type BulkExportRequest,
  type BulkExportResult,
  type ExportedFile,
  type ExportErrorFile,
  type ExportLevel,
  type ExportProgress,
} from './export/bulkExport';
export { LineCounter, readOutcomeMessages } from './export/ndjson';
