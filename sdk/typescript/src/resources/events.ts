import type { HttpClient } from '../http.js';
import type { PageIterator } from '../pagination.js';
import { Resource } from '../resource.js';
import type { Event, IterateParams, ListMethod, RequestOptions } from '../types.js';

/** `/v1/events`: the event log (every event, also those no webhook subscribed to). */
export class Events extends Resource {
  readonly list: ListMethod<'EventsController_list'>;

  constructor(http: HttpClient) {
    super(http);
    this.list = this.listMethod('EventsController_list');
  }

  iterate(params?: IterateParams<'EventsController_list'>, options?: RequestOptions): PageIterator<Event> {
    return this.iterator('EventsController_list', {}, params, options);
  }
}
