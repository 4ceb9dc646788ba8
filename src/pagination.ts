// Pages of a list, as the Stainless SDKs have them: awaiting the call gives one page, and `for await`
// walks every item across pages. Nothing is requested until the caller awaits or iterates (an unobserved
// request could only end as an unhandled rejection), and a next page is requested only when wanted.

export interface Page<Item> {
  /** The items of this page. */
  data: Item[];
  /** Where the next page is, as the server said (`null` on the last page). */
  nextPageUrl: string | null;
  hasNextPage(): boolean;
  /** The next page; throws when there is none (`hasNextPage()` is false). */
  getNextPage(): Promise<Page<Item>>;
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
