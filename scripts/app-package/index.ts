/** Teams app package: build, offline validation, and the pieces they are made of. */
export { AppPackageInvalidError, buildAppPackage, resolveManifest } from './build.js';
export type { BuildOptions, BuildResult } from './build.js';
export { loadCommands, manifestCommandDescription, parseCommands } from './commands.js';
export type { CommandInfo } from './commands.js';
export { envFilePath, loadEnvFile, parseEnvFile } from './env-file.js';
export { listPlaceholders, MissingVariablesError, substitutePlaceholders } from './placeholders.js';
export type { JsonValue } from './placeholders.js';
export {
  checkIcons,
  loadTeamsSchema,
  shippedSchemaDir,
  validateAgainstTeamsSchema,
  validateManifest,
} from './validate-manifest.js';
export { decodePng, encodePng, PNG_SIGNATURE, readPngHeader } from './png.js';
export { readZip, writeZip } from './zip.js';
