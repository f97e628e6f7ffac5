/**
 * One platform request whose processing result is still to be asked for (Google Data Manager: an
 * `events:ingest` request, by its `requestId`), with the deliveries it carried. Due `checkDelay` after the
 * upload; asked again while the platform says it is still processing.
 */
export type ProcessingCheckRecord = {
  destination: string;
  requestId: string;
  uploadedAt: number;
  /** When the next status call is due (ms). */
  checkAt: number;
  /** Status calls made so far. */
  checks: number;
  /** Events the request carried (the deliveries below; the `m` of "n of m in this request failed"). */
  events: number;
  /** The deliveries the request carried, by subject key (the destination is the check's). */
  subjectKeys: string[];
  /** The last non-final answer (`PROCESSING`, or why the status call failed). */
  lastAnswer?: string;
  /** The check is kept on its request's only delivery (`DeliveryRecord.processingCheck`), not its own item. */
  onDelivery?: true;
};
