declare module 'dynalite' {
  import type { Server } from 'node:http';

  type DynaliteOptions = {
    path?: string | undefined;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    verbose?: boolean;
  };
  export default function dynalite(options?: DynaliteOptions): Server;
}
