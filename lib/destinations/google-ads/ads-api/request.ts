import type { RequestDescription } from '../../types';
import type { GoogleActions } from '../rules';
import { ADS_ADJUSTMENTS_BATCH, type AdsApiRow } from './conversion';

export type AdsApiSettings = {
  customerId: string;
  actions: GoogleActions;
  baseUrl: string;
  apiVersion: string;
  /** GOOGLE_ADS_CLICK_WINDOW_DAYS in ms: the conversion actions' click-through window. */
  clickWindowMs: number;
};

export function buildAdsApiRequest(
  rows: readonly AdsApiRow[],
  batch: string,
  settings: Pick<AdsApiSettings, 'customerId' | 'baseUrl' | 'apiVersion'>,
): RequestDescription {
  const base = `${settings.baseUrl}/${settings.apiVersion}/customers/${settings.customerId}`;
  // partialFailure: each row succeeds or fails on its own; errors name the row by index.
  return batch === ADS_ADJUSTMENTS_BATCH
    ? {
        method: 'POST',
        url: `${base}:uploadConversionAdjustments`,
        body: { conversionAdjustments: rows, partialFailure: true },
      }
    : {
        method: 'POST',
        url: `${base}:uploadClickConversions`,
        body: { conversions: rows, partialFailure: true },
      };
}
