// Pages of a list, as the Stainless SDKs have them: awaiting the call gives one page, and `for await`
// walks every item across pages. Nothing is requested until the caller awaits or iterates (an unobserved
// request could only end as an unhandled rejection), and a next page is requested only when wanted.
// ListPage is one page of a list; PageTrail holds the rules a next_page_url must meet to be followed,
// for the client's pages and verify's walk alike.
import type { ValidationIssue } from '../contract/issues.js';
import { ContractViolationError, type Scrub } from './errors.js';

export interface Page<Item> {
  /** The items of this page. */
  data: Item[];
  /** Where the next page is, as the server said (`null` on the last page). */
  nextPageUrl: string | null;
  hasNextPage(): boolean;
  /** The next page (requested once: asked again, the same page); throws when there is none (`hasNextPage()` is false). */
  getNextPage(): Promise<Page<Item>>;
}

/** How a ListPage finds and asks for the pages after it. */
export interface ListPageWalk<Item> {
  /** The walk this page is part of (its rules decide whether a next_page_url is followed). */
  trail: PageTrail;
  /** What names an item, to tell a page that brings new items from one that repeats them. */
  idOf: (item: Item) => string;
  /** Requests the next page with the query its next_page_url gives. */
  next: (query: string) => Promise<ListPage<Item>>;
  /** The list's name in messages (the operation's id), and what its items are. */
  label: string;
  items: string;
  scrub?: Scrub;
}

/**
 * One page of a list answer (`{ data, meta: { next_page_url } }`). Its next page is requested only where
 * the walk's PageTrail allows (the list's own URL, a page not read yet, a walk that brings new items),
 * and only once: asked again, getNextPage() gives the same page; after a failure it may be asked again.
 * The next_page_url is judged when followed, so that a page with a bad one still gives its own items.
 */
export class ListPage<Item> implements Page<Item> {
  readonly data: Item[];
  readonly nextPageUrl: string | null;
  #verdict: NextPage | undefined;
  #following: Promise<ListPage<Item>> | undefined;

  constructor(
    readonly status: number,
    body: unknown,
    private readonly walk: ListPageWalk<Item>,
  ) {
    const page = body as { data?: unknown; meta?: { next_page_url?: unknown } } | null;
    if (!Array.isArray(page?.data)) {
      throw new ContractViolationError(
        status,
        [{ path: '/data', keyword: 'required', message: `must be the page of ${walk.items} a list answers with` }],
        { scrub: walk.scrub },
      );
    }
    this.data = page.data as Item[];
    this.nextPageUrl = typeof page.meta?.next_page_url === 'string' ? page.meta.next_page_url : null;
  }

  hasNextPage(): boolean {
    return this.nextPageUrl !== null;
  }

  getNextPage(): Promise<ListPage<Item>> {
    const next = this.nextPageUrl;
    if (next === null) return Promise.reject(new Error(`${this.walk.label}: this is the last page (hasNextPage() is false)`));
    this.#verdict ??= this.walk.trail.next(next, this.data.map(this.walk.idOf));
    const verdict = this.#verdict;
    if (!verdict.ok) return Promise.reject(new ContractViolationError(this.status, [verdict.issue], { scrub: this.walk.scrub }));
    this.#following ??= this.walk.next(verdict.query).catch((error: unknown) => {
      this.#following = undefined; // a failed request may be asked for again
      throw error;
    });
    return this.#following;
  }
}

/** A page, once awaited; every item of every page, when iterated with `for await`. */
export class PagePromise<Item> implements PromiseLike<Page<Item>>, AsyncIterable<Item> {
  #page: Promise<Page<Item>> | undefined;

  constructor(private readonly load: () => Promise<Page<Item>>) {}

  #first(): Promise<Page<Item>> {
    this.#page ??= this.load();
    return this.#page;
  }

  // biome-ignore lint/suspicious/noThenProperty: a thenable is the point: `await ada.listEndUsers()` gives a page
  then<A = Page<Item>, B = never>(
    onFulfilled?: ((page: Page<Item>) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#first().then(onFulfilled, onRejected);
  }

  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<Page<Item> | B> {
    return this.#first().catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<Page<Item>> {
    return this.#first().finally(onFinally);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Item> {
    for (let page: Page<Item> | undefined = await this.#first(); page; page = page.hasNextPage() ? await page.getNextPage() : undefined) {
      yield* page.data;
    }
  }
}

/** Where a next_page_url may lead: the query to request it with, or what is wrong with it (at `/meta/next_page_url`). */
export type NextPage = { ok: true; query: string } | { ok: false; issue: ValidationIssue };

/**
 * One walk through a list's pages, and the rules its next_page_urls must meet to be followed: an
 * absolute URL on the list's own origin and path (any other would receive the token); a cursor not
 * followed before (without a cursor, a query not requested before); and a page that brought at least
 * one item not seen on an earlier page. A server that breaks the last two would keep a walk going
 * forever: with an extra query value on each link, or the same items under fresh cursors.
 */
export class PageTrail {
  readonly #list: URL;
  readonly #followed = new Set<string>();
  readonly #seen = new Set<string>();
  #pages = 0;

  /** `listUrl`: the list's URL; `firstQuery`: the query the first page was asked for with. */
  constructor(listUrl: string, firstQuery: URLSearchParams) {
    this.#list = new URL(listUrl);
    this.#followed.add(PageTrail.#key(firstQuery));
  }

  /** Records a page (the ids of its items) and judges its next_page_url. Call it once per page, in order. */
  next(nextPageUrl: string, ids: readonly string[]): NextPage {
    const first = this.#pages++ === 0;
    const fresh = ids.filter((id) => !this.#seen.has(id));
    for (const id of ids) this.#seen.add(id);
    const refuse = (keyword: string, message: string): NextPage => ({
      ok: false,
      issue: { path: '/meta/next_page_url', keyword, message },
    });
    let url: URL;
    try {
      url = new URL(nextPageUrl);
    } catch {
      return refuse('format', 'must be an absolute URL');
    }
    if (url.origin !== this.#list.origin || url.pathname !== this.#list.pathname) {
      return refuse(
        'same-origin',
        `must be on the list's own URL (${this.#list.origin}${this.#list.pathname}), is ${url.origin}${url.pathname}: not requested, it would carry the token`,
      );
    }
    const key = PageTrail.#key(url.searchParams);
    if (this.#followed.has(key)) return refuse('next-page', 'must lead to a page not read yet: it repeats a cursor already followed');
    if (!first && fresh.length === 0) {
      return refuse('next-page', 'must lead further: this page brought no item not seen on an earlier page, so the walk would not end');
    }
    this.#followed.add(key);
    return { ok: true, query: url.search.slice(1) };
  }

  /** What names a page: its cursor, or (without one) its whole query, in order. */
  static #key(query: URLSearchParams): string {
    const cursor = query.get('cursor');
    if (cursor !== null) return `cursor:${cursor}`;
    const sorted = new URLSearchParams(query);
    sorted.sort();
    return `query:${sorted}`;
  }
}
