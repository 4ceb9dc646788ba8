// verifyProvider(): checks that a real provider (an Ada sandbox instance, or any server claiming this
// contract) honours the spec, operation by operation. Every request goes through the kit's own client
// core (one retry loop, one timeout, one redaction) to Prism's pass-through proxy in front of the
// provider, which names each violation of the contract in the answer with the provider's real status;
// what the contract says of each request (which statuses, which behaviour) is judged here (judge.ts).
//
// Reads are always verified: the given end user, an unknown id (404), the list walked page by page,
// lookups by external_id, and invalid query parameters (4xx). Then the update: the spec's examples,
// one invalid body per rule, valid generated bodies. With `create`, the create too: a fresh
// external_id (201), the same again (200, the same end user), and one invalid body per rule. With
// `webhooks`, a receiver (webhook-listener.ts) judges every delivery, and the webhooks the writes made
// due (updated after a profile change, created after the create) must arrive.
import { createHash, randomBytes } from 'node:crypto';
import { metadataLimit } from '../contract/limits.js';
import { fc } from '../arbitraries/fast-check.js';
import { arbitraryUpdateEndUserRequest, invalidRequestCases } from '../arbitraries/index.js';
import { type AdaClient, createAdaClient, type RawAnswer } from '../client/client.js';
import {
  AdaApiError,
  AdaConnectionError,
  type AdaError,
  AdaTimeoutError,
  ContractViolationError,
  createScrub,
  escapeRegExp,
} from '../client/errors.js';
import type { Json } from '../contract/json-pointer.js';
import { operation } from '../contract/operations.js';
import { PageTrail } from '../client/pagination.js';
import type { RunningPrism } from '../prism/prism.js';
import { startProxy } from '../mock/proxy.js';
import { sleep } from '../client/retry.js';
import type { RequestParts } from '../contract/validation.js';
import { type Expectation, type Judged, judge } from './judge.js';
import {
  checkVerifyOptions,
  type RequestResult,
  type Unjudged,
  type VerifyOptions,
  type VerifyReport,
  VerifySetupError,
  type Violation,
  type VerifyWebhookOptions,
} from './report.js';
import { describedEventTypes, type EndUserEventType } from '../client/webhooks.js';
import { WebhookListener } from './webhook-listener.js';

/** What a retry can change is retried this often: a 429 (then its request counts as unjudged), a 502, 503 or 504, no answer. */
const RATE_LIMIT_RETRIES = 4;
/** Statuses a second try may change. Any other answer is the provider's, judged at once: sent again, it would say the same. */
const RETRIED_STATUSES = new Set([429, 502, 503, 504]);
/** After this many requests in a row answered 5xx, the run stops: each is a violation, and the rest would say no more. */
const SERVER_ERROR_STREAK = 3;
/** The list is walked with this page size, and this many pages at most. */
const PAGE_LIMIT = 1;
const MAX_PAGES = 3;
/** Rules Ada documents no answer for: a request breaking only them is not judged (sent, it proves nothing). */
const UNDOCUMENTED_RULES = new Set(['parameter', 'x-exclusive-parameter-groups']);

export async function verifyProvider(options: VerifyOptions): Promise<VerifyReport> {
  const { maxRequests, intervalMs, seed, maxTimeMs } = checkVerifyOptions(options);
  const listener = options.webhooks ? await listenFor(options.webhooks) : undefined;
  try {
    const proxy = options.proxies?.passthrough ?? (await startProxyFor(options.baseUrl));
    try {
      if (listener) options.webhooks?.onListening?.(listener.url);
      const run = new Run(options, proxy, { maxRequests, intervalMs, seed, maxTimeMs }, listener);
      await run.all();
      return run.report();
    } finally {
      if (!options.proxies) await proxy.stop();
    }
  } finally {
    await listener?.close();
  }
}

function listenFor({ secret, port = 0, host = '127.0.0.1' }: VerifyWebhookOptions): Promise<WebhookListener> {
  return WebhookListener.listen({ secret, port, host }).catch((error: NodeJS.ErrnoException) => {
    throw new VerifySetupError(`could not listen for webhooks on ${host}:${port}: ${error.code ?? error.message}`);
  });
}

/**
 * The validation proxy verifyProvider needs in front of a provider (to share across runs). `strict` is
 * the same proxy, for callers of 2.1 and before (stopping either stops it).
 */
export async function startProxies(baseUrl: string): Promise<{ passthrough: RunningPrism; strict: RunningPrism }> {
  const passthrough = await startProxyFor(baseUrl);
  return { passthrough, strict: passthrough };
}

function startProxyFor(baseUrl: string): Promise<RunningPrism> {
  return startProxy({ upstream: baseUrl, errors: false }).catch((error: Error) => {
    throw new VerifySetupError(`could not start Prism's proxy: ${error.message.split('\n')[0]}`);
  });
}

/** A made-up value, the same for a seed: an id or external_id no provider should hold. */
function madeUp(seed: number, what: string, length: number): string {
  return createHash('sha256').update(`${seed}:${what}`).digest('hex').slice(0, length);
}

const isObject = (value: Json): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);

class Run {
  private readonly client: AdaClient;
  private readonly scrub;
  private readonly state = { tokenAccepted: false };
  private readonly violations: Violation[] = [];
  private readonly unjudged: Unjudged[] = [];
  /** Every check's result, in the order they were made: what a report lists. */
  private readonly results: RequestResult[] = [];
  private readonly operations = new Set<string>();
  private sent = 0;
  /** Requests that got an answer judged: before the first, a failure is the setup's. */
  private answered = 0;
  private serverErrorStreak = 0;
  /** Why the run stopped early, once it did. */
  private stopped: string | undefined;
  /**
   * The run's end, from its first request (starting Prism has a limit of its own): every request, wait
   * and retry is cut off when the budget is spent, at the deadline.
   */
  private readonly budget: AbortSignal;
  private readonly deadline: number;
  private retries = 0;
  private rulesChecked = 0;
  private rulesTotal = 0;

  /** Webhooks the writes made are due: the event, and the end user it must name. */
  private readonly webhooksDue: Array<{ type: EndUserEventType; endUserId: string; after: string }> = [];

  constructor(
    private readonly options: VerifyOptions,
    proxy: RunningPrism,
    private readonly limits: { maxRequests: number; intervalMs: number; seed: number; maxTimeMs: number },
    private readonly listener?: WebhookListener,
  ) {
    this.budget = AbortSignal.timeout(limits.maxTimeMs);
    this.deadline = Date.now() + limits.maxTimeMs;
    this.scrub = createScrub(options.token);
    this.client = createAdaClient({
      baseUrl: proxy.url,
      token: options.token,
      validateRequests: false, // invalid requests are sent on purpose; path parameters are still checked
      maxRetries: RATE_LIMIT_RETRIES,
      timeoutMs: options.requestTimeoutMs ?? 30_000,
      backoff: { initialDelayMs: options.backoffBaseMs ?? 1_000, maxDelayMs: 30_000 },
      shouldRetry: (error: AdaError) =>
        error instanceof AdaApiError
          ? RETRIED_STATUSES.has(error.status)
          : error instanceof AdaConnectionError && !(error instanceof AdaTimeoutError), // a timeout already waited its whole limit
      onRetry: () => this.retries++,
    });
  }

  report(): VerifyReport {
    return {
      requests: this.sent,
      violations: this.violations,
      unjudged: this.unjudged,
      results: this.results,
      rulesChecked: this.rulesChecked,
      rulesTotal: this.rulesTotal,
      operations: [...this.operations],
      ...(this.listener
        ? { webhooks: { url: this.listener.url, received: this.listener.received.length, ignored: this.listener.ignored.length } }
        : {}),
      ...(this.stopped ? { stopped: this.stopped } : {}),
      seed: this.limits.seed,
    };
  }

  async all(): Promise<void> {
    const endUserId = this.options.endUserId;
    const given = await this.send('getEndUser: the given end user', 'getEndUser', { path: { end_user_id: endUserId } }, accept(200));
    if (given?.status === 404) throw new VerifySetupError('the provider does not know this end user (404); check --end-user-id');
    await this.send(
      'getEndUser: an unknown id',
      'getEndUser',
      { path: { end_user_id: madeUp(this.limits.seed, 'end_user_id', 24) } },
      { kind: 'not-found' },
    );
    if (this.listener) await this.profileChange(endUserId);
    const created = this.options.create ? await this.creates() : undefined;
    await this.pages();
    await this.lookups(typeof given?.json?.external_id === 'string' ? given.json.external_id : undefined, endUserId, created);
    await this.updateExamples(endUserId);
    await this.invalidRequests(endUserId);
    await this.validUpdates(endUserId);
    if (this.listener) await this.judgeWebhooks(this.listener);
  }

  /** One request through the proxy, judged; undefined when the request budget or the time budget is spent, or the run stopped. */
  private async send(
    label: string,
    operationId: string,
    input: RequestParts & { rawQuery?: string },
    expectation: Expectation,
  ): Promise<Judged | undefined> {
    if (this.stopped !== undefined || this.sent >= this.limits.maxRequests) return undefined;
    const { budget } = this;
    if (this.sent > 0 && this.limits.intervalMs > 0) await sleep(this.limits.intervalMs, budget).catch(() => undefined);
    if (budget.aborted) return this.stop(label, this.budgetSpent());
    this.sent++;
    this.operations.add(operationId);
    let judged: Judged;
    const started = performance.now();
    try {
      const answer: RawAnswer = await this.client.request(operationId, input, { signal: budget });
      judged = judge(label, operationId, answer, expectation, this.state, RATE_LIMIT_RETRIES);
    } catch (error) {
      if (budget.aborted) return this.stop(label, this.budgetSpent());
      try {
        judged = this.failed(label, error);
      } catch (setup) {
        // Before any answer, the setup is wrong; after some, the provider went away: the run ends with what it judged.
        if (!(setup instanceof VerifySetupError) || this.answered === 0) throw setup;
        return this.stop(label, `the provider stopped answering (${this.scrub(setup.message)})`);
      }
    }
    this.answered++;
    judged.violations = judged.violations.map((v) => ({ ...v, message: this.scrub(v.message) }));
    this.record(label, judged, Math.round(performance.now() - started));
    this.serverErrorStreak = judged.status >= 500 && judged.status <= 599 ? this.serverErrorStreak + 1 : 0;
    if (this.serverErrorStreak >= SERVER_ERROR_STREAK) {
      this.stop(
        undefined,
        `the provider answered 5xx to ${SERVER_ERROR_STREAK} requests in a row (each a violation; the rest would say no more)`,
      );
    }
    return judged;
  }

  private budgetSpent(): string {
    return `the time budget (${this.limits.maxTimeMs / 1000} s) ran out`;
  }

  /** Ends the run early: nothing more is sent, and what was left is unjudged (the request cut off, if any, and the rest). */
  private stop(label: string | undefined, reason: string): undefined {
    if (this.stopped !== undefined) return undefined;
    this.stopped = reason;
    if (label !== undefined) this.cannotJudge(label, reason);
    this.cannotJudge('the rest of the run', `not sent: ${reason}`);
    return undefined;
  }

  /** What a request that got no judgeable answer means: a setup problem, or an answer that breaks the contract as a whole. */
  private failed(label: string, error: unknown): Judged {
    if (error instanceof AdaTimeoutError) {
      throw new VerifySetupError(`no answer to ${label} within ${this.options.requestTimeoutMs ?? 30_000} ms`);
    }
    if (error instanceof AdaConnectionError) throw new VerifySetupError(`request failed: ${error.message}`);
    if (error instanceof ContractViolationError) {
      // An answer the client could not take as one: a status outside 200-599, too large, an unknown encoding.
      return {
        status: error.status,
        violations: error.issues.map((issue) => ({
          request: label,
          status: error.status,
          in: 'response',
          path: issue.path,
          rule: issue.keyword,
          message: issue.message,
        })),
      };
    }
    throw error;
  }

  private record(label: string, judged: Judged, durationMs: number): void {
    this.violations.push(...judged.violations);
    if (judged.unjudged) this.unjudged.push({ request: label, reason: judged.unjudged });
    this.result({
      request: label,
      status: judged.status,
      violations: judged.violations,
      ...(judged.unjudged ? { unjudged: judged.unjudged } : {}),
      durationMs,
    });
  }

  private result(result: RequestResult): void {
    this.results.push(result);
    this.options.onResult?.(result);
  }

  /** A check that got no answer to judge (cut off, not sent, or nothing arrived): a result of its own. */
  private cannotJudge(request: string, reason: string): void {
    this.unjudged.push({ request, reason });
    this.result({ request, violations: [], unjudged: reason });
  }

  /** A finding about what answers say together (not about one answer's shape); no status for a webhook that never came. */
  private behaviour(label: string, status: number | undefined, rule: string, path: string, message: string): void {
    this.finding({ request: label, ...(status === undefined ? {} : { status }), in: 'behaviour', path, rule, message });
  }

  /** A violation found beside the answers as they came (reported to onResult as its own result). */
  private finding(violation: Violation): void {
    const scrubbed = { ...violation, message: this.scrub(violation.message) };
    this.violations.push(scrubbed);
    this.result({
      request: scrubbed.request,
      ...(scrubbed.status === undefined ? {} : { status: scrubbed.status }),
      violations: [scrubbed],
    });
  }

  /** `create`: a fresh external_id makes an end user (201); the same again returns it (200, the same id). */
  private async creates(): Promise<string | undefined> {
    // Not from the seed: a replayed run must not find the end user its first run made.
    const externalId = `verify-${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
    const body = { external_id: externalId, profile: { first_name: 'Verify' } };
    const first = await this.send('createEndUser: a new external_id', 'createEndUser', { body }, accept(201));
    if (first?.status !== 201) return undefined;
    if (typeof first.json?.end_user_id === 'string') {
      this.webhooksDue.push({ type: 'v1.end_user.created', endUserId: first.json.end_user_id, after: 'the create' });
    }
    const again = await this.send(
      'createEndUser: the same external_id again',
      'createEndUser',
      { body },
      accept(200, 'an upsert: the end user that holds the external_id'),
    );
    if (again?.status === 200 && first.json?.end_user_id !== again.json?.end_user_id) {
      this.behaviour(
        'createEndUser: the same external_id again',
        200,
        'upsert',
        '/end_user_id',
        `returned end user ${String(again.json?.end_user_id)}, not ${String(first.json?.end_user_id)} that was created with this external_id`,
      );
    }
    return externalId;
  }

  /** An update that surely changes the profile (a first_name not seen before): Ada sends v1.end_user.updated for it. */
  private async profileChange(endUserId: string): Promise<void> {
    const body = { profile: { first_name: `Verify ${randomBytes(4).toString('hex')}` } };
    const label = 'updateEndUser: a profile change (v1.end_user.updated is due)';
    const changed = await this.send(label, 'updateEndUser', { path: { end_user_id: endUserId }, body }, accept(200));
    if (changed?.status === 200) this.webhooksDue.push({ type: 'v1.end_user.updated', endUserId, after: 'the profile change' });
  }

  /**
   * Every delivery that reached the listener, judged as a receiver judges it; and the webhooks the writes
   * made due, each of which must arrive within waitMs. Nothing at all arriving is no verdict: the
   * endpoint may not be registered, or not reachable.
   */
  private async judgeWebhooks(listener: WebhookListener): Promise<void> {
    // Within what is left of the budget: a run always ends.
    const asked = this.options.webhooks?.waitMs ?? 30_000;
    const waitMs = Math.min(asked, Math.max(0, this.deadline - Date.now()));
    const arrived = (due: (typeof this.webhooksDue)[number]) =>
      listener.received.some((r) => r.type === due.type && r.endUserId === due.endUserId);
    await listener.until(() => this.webhooksDue.every(arrived), waitMs);
    if (waitMs < asked && !this.webhooksDue.every(arrived)) {
      // Not waited for as long as asked: what did not arrive may still be on its way. No verdict on it.
      this.stop('webhooks', this.budgetSpent());
      this.webhooksDue.length = 0;
    }
    for (const problem of listener.problems) {
      this.finding({
        request: `webhook ${problem.type ?? '(no type)'} ${problem.id}`,
        in: problem.rule === 'kit' ? 'kit' : 'webhook',
        path: problem.path,
        rule: problem.rule,
        message: problem.message,
      });
    }
    if (listener.received.length === 0 && listener.problems.length === 0) {
      if (this.stopped !== undefined) return;
      // (Deliveries of other event types only say the endpoint is reachable, not that these events come.)
      this.cannotJudge(
        'webhooks',
        this.webhooksDue.length === 0
          ? 'no write succeeded, so no webhook was due, and none arrived'
          : `no webhook reached ${listener.url} within ${waitMs} ms: register it (or a tunnel to it) as an endpoint for ${describedEventTypes()}`,
      );
      return;
    }
    for (const due of this.webhooksDue.filter((d) => !arrived(d))) {
      this.behaviour(
        `webhooks: ${due.type} after ${due.after}`,
        undefined,
        'webhook',
        '',
        `no ${due.type} naming end user ${due.endUserId} arrived within ${waitMs} ms (other deliveries did)`,
      );
    }
  }

  /**
   * The list, page by page through next_page_url: each page within its limit, every end user once, and
   * every link one the client would follow (PageTrail: the provider's own list URL, a page not read
   * yet, a walk that brings new end users).
   */
  private async pages(): Promise<void> {
    const trail = new PageTrail(
      `${this.options.baseUrl.replace(/\/+$/, '')}${operation('listEndUsers').path}`,
      new URLSearchParams({ limit: String(PAGE_LIMIT) }),
    );
    const seen = new Set<string>();
    let input: { query?: Record<string, unknown>; rawQuery?: string } = { query: { limit: PAGE_LIMIT } };
    for (let number = 1; number <= MAX_PAGES; number++) {
      const label = `listEndUsers: page ${number} (limit ${PAGE_LIMIT})`;
      const page = await this.send(label, 'listEndUsers', input, accept(200));
      if (page?.status !== 200 || page.unjudged || !isObject(page.json)) return;
      if (!Array.isArray(page.json.data)) {
        this.behaviour(label, 200, 'page', '/data', 'must be a page of end users: a list without external_id answered something else');
        return;
      }
      if (page.json.data.length > PAGE_LIMIT) {
        this.behaviour(label, 200, 'limit', '/data', `holds ${page.json.data.length} end users, more than limit=${PAGE_LIMIT}`);
      }
      const ids = (page.json.data as Json[]).map((user) => String(user?.end_user_id));
      for (const id of ids) {
        if (seen.has(id)) this.behaviour(label, 200, 'unique', '/data', `end user ${id} was on an earlier page already`);
        seen.add(id);
      }
      const next = page.json.meta?.next_page_url;
      if (typeof next !== 'string') {
        if (number === 1) {
          this.cannotJudge(
            'listEndUsers: pages',
            `the list ended after one page at limit ${PAGE_LIMIT}, so next_page_url went unchecked: the provider needs at least two end users (verify --create makes one)`,
          );
        }
        return;
      }
      const verdict = trail.next(next, ids);
      if (!verdict.ok) {
        this.behaviour(
          label,
          200,
          verdict.issue.keyword,
          verdict.issue.path,
          `${verdict.issue.message} (${JSON.stringify(next)}): not followed`,
        );
        return;
      }
      input = { rawQuery: verdict.query };
    }
  }

  /** Lookups by external_id: the given end user's (and the created one's) must find it; an unknown one is 200 or 404. */
  private async lookups(givenExternalId: string | undefined, endUserId: string, createdExternalId: string | undefined): Promise<void> {
    const known: Array<[string, string, string]> = [];
    if (givenExternalId) known.push(['listEndUsers: lookup of the given end user’s external_id', givenExternalId, endUserId]);
    if (createdExternalId) known.push(['listEndUsers: lookup of the created external_id', createdExternalId, '']);
    for (const [label, externalId, expectedId] of known) {
      const found = await this.send(
        label,
        'listEndUsers',
        { query: { external_id: externalId } },
        accept(200, 'the end user that holds it'),
      );
      if (found?.status !== 200 || !isObject(found.json)) continue;
      if (Array.isArray(found.json.data)) this.behaviour(label, 200, 'lookup', '', 'must be the one end user, not a page');
      else if (expectedId && found.json.end_user_id !== expectedId) {
        this.behaviour(label, 200, 'lookup', '/end_user_id', `found end user ${String(found.json.end_user_id)}, not ${expectedId}`);
      } else if (found.json.external_id !== undefined && String(found.json.external_id).toLowerCase() !== externalId.toLowerCase()) {
        this.behaviour(label, 200, 'lookup', '/external_id', `found an end user whose external_id is ${String(found.json.external_id)}`);
      }
    }
    const label = 'listEndUsers: lookup of an unknown external_id';
    const unknown = await this.send(
      label,
      'listEndUsers',
      { query: { external_id: `verify-none-${madeUp(this.limits.seed, 'external_id', 16)}` } },
      { kind: 'found-or-not' },
    );
    if (unknown?.status === 200 && isObject(unknown.json) && Array.isArray(unknown.json.data)) {
      this.behaviour(label, 200, 'lookup', '', 'must be the one end user, not a page');
    }
  }

  /** The spec's own examples of an update: the contract's words. */
  private async updateExamples(endUserId: string): Promise<void> {
    for (const [name, body] of Object.entries(operation('updateEndUser').body?.examples ?? {})) {
      await this.send(
        `updateEndUser: example "${name}"`,
        'updateEndUser',
        { path: { end_user_id: endUserId }, body },
        updateExpectation(body),
      );
    }
  }

  /** One invalid request per rule Ada documents an answer for: query parameters of the list, bodies of the update (and the create). */
  private async invalidRequests(endUserId: string): Promise<void> {
    const operations = ['listEndUsers', 'updateEndUser', ...(this.options.create ? ['createEndUser'] : [])];
    const cases = operations.flatMap((operationId) =>
      invalidRequestCases(operationId)
        .filter((c) => c.sendable && !UNDOCUMENTED_RULES.has(c.name.split(' ').at(-1)!))
        .map((c) => ({ operationId, c })),
    );
    this.rulesTotal = cases.length;
    for (const [index, { operationId, c }] of cases.entries()) {
      if (this.sent >= this.limits.maxRequests) return;
      // One past the bound where the rule is a bound: a provider off by one refuses most other values.
      const { request, rule } = fc.sample(c.boundary ?? c.arbitrary, { numRuns: 1, seed: this.limits.seed + index })[0]!;
      const [where, ...rest] = c.name.split(' ');
      // Only the broken part: the other parameters a case carries are valid, but a cursor made up is one no provider knows.
      const input: RequestParts =
        rule.in === 'query'
          ? { query: { [rule.path.slice(1)]: request.query[rule.path.slice(1)] } }
          : {
              ...(operation(operationId).parameters.some((p) => p.in === 'path') ? { path: { end_user_id: endUserId } } : {}),
              body: request.body,
            };
      const sent = await this.send(`${operationId}: invalid ${where} (${rest.join(' ')})`, operationId, input, { kind: 'refuse' });
      if (sent) this.rulesChecked++;
    }
  }

  /** Generated valid updates, to fill what is left of the budget. */
  private async validUpdates(endUserId: string): Promise<void> {
    const room = this.limits.maxRequests - this.sent;
    if (room <= 0) return;
    const bodies = fc.sample(arbitraryUpdateEndUserRequest(), { numRuns: room, seed: this.limits.seed });
    for (const [index, body] of bodies.entries()) {
      await this.send(
        `updateEndUser: valid body #${index + 1}`,
        'updateEndUser',
        { path: { end_user_id: endUserId }, body },
        updateExpectation(body),
      );
    }
  }
}

const accept = (status: number, why?: string): Expectation => ({ kind: 'accept', statuses: [status], ...(why ? { why } : {}) });

/**
 * A valid update: 200; 409 is right only when it sets an external_id another end user may hold; and
 * when it sends metadata, Ada's 400 with her metadata message (the spec's) is right too, since merged
 * with what the end user holds it may pass the limit (Ada does not say whether PATCH merges).
 */
function updateExpectation(body: unknown): Expectation {
  const update = body as { external_id?: unknown; profile?: { metadata?: unknown } } | null;
  const metadata = typeof update?.profile?.metadata === 'object' && update.profile.metadata !== null;
  const tolerate = metadata ? { tolerate: { status: 400, message: new RegExp(`^${escapeRegExp(metadataLimit.message)}$`) } } : {};
  return typeof update?.external_id === 'string'
    ? { kind: 'accept', statuses: [200, 409], why: '409 if the external_id is taken', ...tolerate }
    : { kind: 'accept', statuses: [200], why: '409 only when the body sets an external_id', ...tolerate };
}
