import { DomainError } from '../errors';

/** A `Last-Event-ID` this bus could never have issued. */
export class InvalidCursorError extends DomainError {
  constructor() {
    super('EVENT_CURSOR_INVALID', 'Last-Event-ID is not an event id of this stream.', 400);
  }
}
