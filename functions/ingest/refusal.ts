/** An upload the lake refuses: answered as `{ error }` with a 4xx status, and nothing is written. */
export class IngestRefusal extends Error {
  public override readonly name = 'IngestRefusal';
  constructor(
    public readonly status: 400 | 404 | 405 | 409 | 411 | 413 | 415,
    message: string,
    public readonly hint?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}
