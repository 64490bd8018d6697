/** What list services return; the envelope interceptor turns it into the contract's list shapes. */
export class OffsetPage<T> {
  constructor(
    readonly items: T[],
    readonly page: number,
    readonly pageSize: number,
    readonly total: number,
  ) {}

  toBody(): { items: T[]; pagination: { page: number; pageSize: number; total: number; totalPages: number } } {
    return {
      items: this.items,
      pagination: {
        page: this.page,
        pageSize: this.pageSize,
        total: this.total,
        totalPages: Math.ceil(this.total / this.pageSize),
      },
    };
  }
}

export class CursorPage<T> {
  constructor(
    readonly items: T[],
    readonly next: string | null,
  ) {}
}

export type Page<T> = OffsetPage<T> | CursorPage<T>;
