import type { CursorPage } from './types.js';

/**
 * Every item of a list, page after page (cursor pagination), fetched as you go:
 *
 * ```ts
 * for await (const customer of client.customers.iterate({ status: 'active' })) { … }
 * for await (const page of client.customers.iterate({ limit: 100 }).pages()) { … }
 * const all = await client.customers.iterate().toArray();
 * ```
 */
export class PageIterator<T> implements AsyncIterable<T> {
  constructor(private readonly fetchPage: (cursor: string | undefined) => Promise<CursorPage<T>>) {}

  /** The pages themselves (`{items, cursor}`), until `cursor.hasMore` is false. */
  async *pages(): AsyncGenerator<CursorPage<T>, void, undefined> {
    let cursor: string | undefined;
    for (;;) {
      const page = await this.fetchPage(cursor);
      yield page;
      if (!page.cursor.hasMore || !page.cursor.next) return;
      cursor = page.cursor.next;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.items;
  }

  /** Collects every item (mind the size of what you list). */
  async toArray(): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this) out.push(item);
    return out;
  }
}
