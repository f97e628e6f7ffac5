import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { FUNCTION_NAMES, type FunctionName } from '../lib/http/routes';

/**
 * One minified, tree-shaken CommonJS bundle per function into dist/<function>/index.js, as Lambda runs
 * it. The AWS SDK v3 and Powertools are left out: the Lambda runtime and the Powertools layer provide them.
 */
export const BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  minify: true,
  treeShaking: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  legalComments: 'none',
  // Provided at run time (serverless.yml): the AWS SDK by the Node.js runtime, Powertools by its layer.
  external: ['@aws-sdk/*', '@smithy/*', '@aws-lambda-powertools/*', 'aws-xray-sdk-core'],
};

export async function buildFunction(
  name: FunctionName,
  outdir = 'dist',
): Promise<{ name: FunctionName; bytes: number; file: string }> {
  const file = join(outdir, name, 'index.js');
  const result = await build({
    ...BUNDLE_OPTIONS,
    entryPoints: [join('functions', `${name}.ts`)],
    outfile: file,
    metafile: true,
  });
  await mkdir(join(outdir, name), { recursive: true });
  await writeFile(join(outdir, name, 'meta.json'), JSON.stringify(result.metafile));
  const bytes = result.metafile?.outputs[file]?.bytes ?? 0;
  return { name, bytes, file };
}

export function buildableFunctions(): FunctionName[] {
  return FUNCTION_NAMES.filter((name) => existsSync(join('functions', `${name}.ts`)));
}

if (require.main === module) {
  (async () => {
    for (const name of buildableFunctions()) {
      const { bytes, file } = await buildFunction(name);
      console.log(`${file.padEnd(36)} ${(bytes / 1024).toFixed(1).padStart(8)} KB`);
    }
  })().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
