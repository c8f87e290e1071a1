/**
 * `npm run build` step: copies the files the compiled code reads at run time that tsc does not emit
 * (the sandbox's test-only certificate and key) from src/ to dist/, so `npm start` runs in sandbox
 * mode as it does from source.
 */
import { cpSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const assets = ['sandbox/seed/certs'];
for (const asset of assets) {
  cpSync(
    fileURLToPath(new URL(`../src/${asset}`, import.meta.url)),
    fileURLToPath(new URL(`../dist/${asset}`, import.meta.url)),
    {
      recursive: true,
    },
  );
}
