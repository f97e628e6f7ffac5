import type * as v from 'valibot';
import type { SettingsSlice } from '../settings';
import type { Destination } from './types';

export type DestinationDependencies = { fetch: typeof fetch; now: () => number };

/**
 * What registry.ts lists for each destination: its name, its settings slice (the variables it reads and
 * the config it builds from them, `undefined` when its credentials are absent), and the factory of the
 * destination from that config. lib/config.ts composes the settings; createDestinations builds the
 * configured ones; nothing else names a destination.
 */
export type DestinationDefinition<TKey extends string, TEntries extends v.ObjectEntries, TConfig> = {
  /** The delivery key's destination part: `google-ads`, `meta`. */
  readonly name: string;
  readonly settings: SettingsSlice<TKey, TEntries, TConfig | undefined>;
  create(config: TConfig, dependencies: DestinationDependencies): Destination;
  /** The destination when its slice of `configs` is configured; bound here so that a list of
   * definitions of different config types can be looped over without a cast. */
  createIfConfigured(
    configs: { readonly [TEach in TKey]: TConfig | undefined },
    dependencies: DestinationDependencies,
  ): Destination | undefined;
};

export function declareDestination<TKey extends string, TEntries extends v.ObjectEntries, TConfig>(
  definition: Omit<DestinationDefinition<TKey, TEntries, TConfig>, 'createIfConfigured'>,
): DestinationDefinition<TKey, TEntries, TConfig> {
  return {
    ...definition,
    createIfConfigured(configs, dependencies) {
      const config = configs[definition.settings.key];
      return config === undefined ? undefined : definition.create(config, dependencies);
    },
  };
}
