import {
  choiceWithDefault,
  defineSettings,
  numericId,
  optionalText,
  optionalUrl,
  requireAll,
  textWithDefault,
} from '../../settings';
import { META_API_VERSION } from './version';

export type MetaEventNaming = 'single' | 'outcome';

export type MetaConfig = {
  pixelId: string;
  accessToken: string;
  testEventCode: string | undefined;
  eventNaming: MetaEventNaming;
  graphBaseUrl: string;
  apiVersion: string;
};

/** What the mapping and the recorded request may see: everything but the access token. */
export type MetaSettings = Omit<MetaConfig, 'accessToken'>;

export const metaSettings = defineSettings({
  key: 'meta',
  entries: {
    META_PIXEL_ID: numericId('META_PIXEL_ID'),
    META_ACCESS_TOKEN: optionalText,
    META_TEST_EVENT_CODE: optionalText,
    META_EVENT_NAMING: choiceWithDefault(
      ['single', 'outcome'],
      'single',
      'META_EVENT_NAMING must be single or outcome',
      (value) => value.toLowerCase(),
    ),
    META_GRAPH_BASE_URL: optionalUrl('META_GRAPH_BASE_URL', 'https://graph.facebook.com'),
    META_API_VERSION: textWithDefault(
      META_API_VERSION,
      /^v\d+\.\d+$/,
      'META_API_VERSION must look like v26.0',
    ),
  },
  build(env, disabled): MetaConfig | undefined {
    const required = requireAll(
      'meta',
      { META_PIXEL_ID: env.META_PIXEL_ID, META_ACCESS_TOKEN: env.META_ACCESS_TOKEN },
      disabled,
    );
    if (!required) return undefined;
    return {
      pixelId: required.META_PIXEL_ID,
      accessToken: required.META_ACCESS_TOKEN,
      testEventCode: env.META_TEST_EVENT_CODE,
      eventNaming: env.META_EVENT_NAMING,
      graphBaseUrl: env.META_GRAPH_BASE_URL,
      apiVersion: env.META_API_VERSION,
    };
  },
});
